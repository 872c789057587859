using Dataflow.Execution;
using Dataflow.Scheduling;

namespace Dataflow.Tests.Support;

/// <summary>
/// An executor pool under the test's control (Spark TaskSetManagerSuite style): it records launches and kills, and
/// runs nothing; the test ends attempts with <see cref="Succeed"/>, <see cref="Fail"/> or <see cref="EndKilled"/>.
/// Single-threaded: every report runs the scheduler on the test's thread before returning.
/// </summary>
internal sealed class FakeExecutorPool : IExecutorPool
{
    private ITaskSchedulerEvents? _scheduler;

    public List<(TaskDescription Task, string ExecutorId)> Launched { get; } = [];

    public Dictionary<long, (TaskDescription Task, string ExecutorId)> Running { get; } = [];

    public List<(long TaskId, string ExecutorId, string Reason)> Killed { get; } = [];

    private ITaskSchedulerEvents Scheduler => _scheduler ?? throw new InvalidOperationException("Not attached.");

    public void Attach(ITaskSchedulerEvents scheduler) => _scheduler = scheduler;

    public void Launch(TaskDescription task, string executorId)
    {
        Launched.Add((task, executorId));
        Running.Add(task.TaskId, (task, executorId));
    }

    public void Kill(long taskId, string executorId, string reason) => Killed.Add((taskId, executorId, reason));

    public void AddExecutor(string id, string host = "host", int slots = 1, int? barrierSlots = null) =>
        Scheduler.ExecutorAdded(new ExecutorSlots(id, host, slots, barrierSlots));

    public void LoseExecutor(string id)
    {
        foreach (var taskId in Running.Where(p => p.Value.ExecutorId == id).Select(p => p.Key).ToList())
        {
            Running.Remove(taskId);
        }

        Scheduler.ExecutorLost(id, "test");
    }

    /// <summary>The running attempt of <paramref name="partition"/> (the only one, or the one on <paramref name="executorId"/>).</summary>
    public TaskDescription RunningOf(int partition, string? executorId = null) =>
        Running.Values.Single(r => r.Task.PartitionId == partition && (executorId is null || r.ExecutorId == executorId)).Task;

    public string ExecutorOf(TaskDescription task) => Launched.Single(l => l.Task.TaskId == task.TaskId).ExecutorId;

    public void Succeed(TaskDescription task, object? value = null) => End(task, value ?? task.PartitionId, null);

    public void Fail(TaskDescription task, Exception? error = null) => End(task, null, error ?? new InvalidOperationException($"attempt {task.TaskId} failed"));

    /// <summary>Reports a killed attempt's end, as a real pool would after the kill took effect.</summary>
    public void EndKilled(TaskDescription task) => End(task, null, new OperationCanceledException());

    /// <summary>Ends every running attempt that was asked to stop.</summary>
    public void EndAllKilled()
    {
        foreach (var taskId in Killed.Select(k => k.TaskId).Where(Running.ContainsKey).ToList())
        {
            EndKilled(Running[taskId].Task);
        }
    }

    private void End(TaskDescription task, object? value, Exception? error)
    {
        if (!Running.Remove(task.TaskId, out var running))
        {
            throw new InvalidOperationException($"Attempt {task.TaskId} is not running.");
        }

        Scheduler.TaskEnded(new TaskResult(task, value, error, new TaskMetrics(), running.ExecutorId));
    }
}
