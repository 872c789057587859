using Dataflow.Execution;

namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Lets a backend that places tasks itself (<see cref="ISchedulerBackend.RunTaskAsync"/>: the cluster backend, test
/// backends) serve as the task scheduler's executor pool: one executor standing for the whole backend, with room for
/// every task at once (the backend queues them on its own slots), and no barrier slots, so barrier stages fail at
/// once on it rather than risk a launch that is not all at once.
/// </summary>
internal sealed class BackendExecutorPool(ISchedulerBackend backend) : IExecutorPool
{
    /// <summary>The id of the one executor this pool reports.</summary>
    public const string ExecutorId = "backend";

    private readonly Lock _lock = new();
    private readonly Dictionary<long, CancellationTokenSource> _running = [];
    private ITaskSchedulerEvents? _scheduler;

    public void Attach(ITaskSchedulerEvents scheduler)
    {
        _scheduler = scheduler;
        scheduler.ExecutorAdded(new ExecutorSlots(ExecutorId, ExecutorId, int.MaxValue / 2, BarrierSlots: 0));
    }

    public void Launch(TaskDescription task, string executorId)
    {
        var kill = new CancellationTokenSource();
        lock (_lock)
        {
            _running.Add(task.TaskId, kill);
        }

        _ = RunAsync(task, kill);
    }

    public void Kill(long taskId, string executorId, string reason)
    {
        CancellationTokenSource? kill;
        lock (_lock)
        {
            kill = _running.GetValueOrDefault(taskId);
        }

        kill?.Cancel();
    }

    private async Task RunAsync(TaskDescription task, CancellationTokenSource kill)
    {
        TaskResult result;
        try
        {
            result = await backend.RunTaskAsync(task, kill.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            result = new TaskResult(task, null, e, new TaskMetrics(), "");
        }
        catch (Exception e)
        {
            // The backend could not run the task at all (its stage cannot be serialised): no retry can help.
            result = new TaskResult(task, null, new UnrunnableTaskException(e), new TaskMetrics(), "");
        }

        lock (_lock)
        {
            _running.Remove(task.TaskId);
        }

        _scheduler!.TaskEnded(result);
    }
}
