using System.Collections.Concurrent;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// Calls to workers that nobody waits for (releasing a finished stage's payload, deleting a shuffle's files), tracked
/// until they end so that <see cref="WhenAllAsync"/> can wait for every call started so far. A failed call is
/// ignored: a worker that cannot be reached drops the whole application once this driver is gone.
/// </summary>
internal sealed class PendingCalls
{
    private readonly ConcurrentDictionary<Task, byte> _calls = new();

    /// <summary>How many calls have not ended yet.</summary>
    public int Count => _calls.Count;

    public void Add(Task call)
    {
        _calls.TryAdd(call, 0);
        _ = call.ContinueWith(static (ended, state) =>
        {
            _ = ended.Exception;
            ((PendingCalls)state!)._calls.TryRemove(ended, out _);
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every call added before this one has ended (successfully or not).</summary>
    public Task WhenAllAsync() =>
        Task.WhenAll(_calls.Keys).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
