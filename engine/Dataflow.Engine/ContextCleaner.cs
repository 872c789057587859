using Dataflow.Broadcasting;
using Dataflow.Dependencies;

namespace Dataflow;

/// <summary>
/// Releases the shuffles, broadcasts, cached blocks and checkpoint files that the driver program can no longer reach:
/// once a shuffle's dependency (the RDD reading it), a broadcast handle or a persisted or checkpointed RDD has been
/// garbage-collected, nothing can use it again, so its outputs, files, blocks and copies are dropped everywhere (the
/// driver and every executor). An iterative job that builds a new RDD per iteration thus holds only what its live
/// RDDs need. Shuffles stay reusable across jobs for as long as an RDD can read them. Swept at
/// the end of each job, and only when a collection has happened since the last sweep (otherwise nothing can have
/// died). Actions with private shuffles release those deterministically, without waiting for a collection.
/// </summary>
/// <remarks>Spark: ContextCleaner</remarks>
internal sealed class ContextCleaner
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, WeakReference<ShuffleDependency>> _shuffles = [];
    private readonly Dictionary<long, WeakReference<IBroadcast>> _broadcasts = [];
    private readonly Dictionary<int, WatchedRdd> _rdds = [];
    private int _sweptAtCollection = -1;

    /// <summary>Shuffles and broadcasts being watched (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _shuffles.Count + _broadcasts.Count;
            }
        }
    }

    /// <summary>Persisted and checkpointed RDDs being watched (for tests).</summary>
    public int RddCount
    {
        get
        {
            lock (_lock)
            {
                return _rdds.Count;
            }
        }
    }

    public void RegisterShuffle(ShuffleDependency dependency)
    {
        lock (_lock)
        {
            _shuffles[dependency.ShuffleId] = new WeakReference<ShuffleDependency>(dependency);
        }
    }

    public void RegisterBroadcast(IBroadcast broadcast)
    {
        lock (_lock)
        {
            _broadcasts[broadcast.Id] = new WeakReference<IBroadcast>(broadcast);
        }
    }

    /// <summary>
    /// Watches a persisted or checkpointed RDD: once collected, its cached blocks are dropped everywhere and its
    /// checkpoint files deleted (unless kept). Registering again updates what is to be released.
    /// </summary>
    public void RegisterRdd(RddBase rdd)
    {
        lock (_lock)
        {
            _rdds[rdd.Id] = new WatchedRdd(new WeakReference<RddBase>(rdd), rdd.Checkpoint?.Directory);
        }
    }

    /// <summary>Stops watching a shuffle released by other means.</summary>
    public void ForgetShuffle(int shuffleId)
    {
        lock (_lock)
        {
            _shuffles.Remove(shuffleId);
        }
    }

    /// <summary>Stops watching a destroyed broadcast.</summary>
    public void ForgetBroadcast(long broadcastId)
    {
        lock (_lock)
        {
            _broadcasts.Remove(broadcastId);
        }
    }

    /// <summary>Releases every watched shuffle and broadcast whose handle was collected; completes when they are gone.</summary>
    public async Task SweepAsync(DataflowContext context)
    {
        List<int> shuffles;
        List<long> broadcasts;
        List<(int Id, string? CheckpointDirectory)> rdds;
        lock (_lock)
        {
            var collections = GC.CollectionCount(0);
            if (collections == _sweptAtCollection)
            {
                return;
            }

            _sweptAtCollection = collections;
            shuffles = Dead(_shuffles);
            broadcasts = Dead(_broadcasts);
            rdds = [.. _rdds.Where(entry => !entry.Value.Rdd.TryGetTarget(out _)).Select(entry => (entry.Key, entry.Value.CheckpointDirectory))];
            foreach (var (id, _) in rdds)
            {
                _rdds.Remove(id);
            }
        }

        foreach (var (rddId, checkpointDirectory) in rdds)
        {
            context.RemoveRddBlocks(rddId);
            if (checkpointDirectory is not null)
            {
                context.Checkpoints.DeleteFiles(checkpointDirectory);
            }
        }

        foreach (var shuffleId in shuffles)
        {
            context.ReleaseShuffle(shuffleId);
        }

        foreach (var broadcastId in broadcasts)
        {
            await context.UnpersistBroadcastAsync(broadcastId, destroyed: true).ConfigureAwait(false);
        }
    }

    private static List<TKey> Dead<TKey, T>(Dictionary<TKey, WeakReference<T>> watched) where TKey : notnull where T : class
    {
        var dead = watched.Where(entry => !entry.Value.TryGetTarget(out _)).Select(entry => entry.Key).ToList();
        foreach (var key in dead)
        {
            watched.Remove(key);
        }

        return dead;
    }

    private sealed record WatchedRdd(WeakReference<RddBase> Rdd, string? CheckpointDirectory);
}
