namespace Dataflow.Execution;

/// <summary>
/// The barrier of one launch of a barrier stage on an executor: each call to <see cref="ArriveAsync"/> completes
/// when all <c>numTasks</c> tasks have arrived at the same barrier (the n-th call of every task releases together).
/// </summary>
internal sealed class BarrierCoordinator(int numTasks)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Tasks of the launch currently using the coordinator (it is dropped at zero).</summary>
    internal int Users { get; set; }

    public Task ArriveAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource released;
        lock (_lock)
        {
            released = _current;
            if (++_arrived == numTasks)
            {
                _arrived = 0;
                _current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                released.TrySetResult();
                return Task.CompletedTask;
            }
        }

        return released.Task.WaitAsync(cancellationToken);
    }
}
