using Dataflow.Broadcasting;
using Dataflow.Dependencies;

namespace Dataflow;

/// <summary>
/// Releases the shuffles and broadcasts that the driver program can no longer reach: once a shuffle's dependency (the
/// RDD reading it) or a broadcast handle has been garbage-collected, nothing can use it again, so its outputs, files
/// and copies are dropped everywhere. Shuffles stay reusable across jobs for as long as an RDD can read them. Swept at
/// the end of each job, and only when a collection has happened since the last sweep (otherwise nothing can have
/// died). Actions with private shuffles release those deterministically, without waiting for a collection.
/// </summary>
/// <remarks>Spark: ContextCleaner</remarks>
internal sealed class ContextCleaner
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, WeakReference<ShuffleDependency>> _shuffles = [];
    private readonly Dictionary<long, WeakReference<IBroadcast>> _broadcasts = [];
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
}
