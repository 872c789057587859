using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Scheduling.Backends;

namespace Dataflow.Tests.Support;

/// <summary>
/// A scheduler backend under the test's control (Spark DAGSchedulerSuite style): one executor with room for every
/// task at once (and no barrier slots, so barrier stages fail at once on it); records every launched task, can hold
/// tasks at a gate and can fail chosen attempts; otherwise runs tasks for real on the thread pool.
/// </summary>
internal sealed class FakeBackend(ExecutionEnvironment environment) : ISchedulerBackend
{
    public const string ExecutorId = "fake";

    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private ITaskSchedulerEvents? _scheduler;

    public ConcurrentQueue<TaskDescription> Submitted { get; } = new();

    /// <summary>Returns the exception a given attempt should fail with, or null to run it.</summary>
    public Func<TaskDescription, Exception?> Fail { get; set; } = _ => null;

    /// <summary>Awaited before each task runs.</summary>
    public Func<TaskDescription, Task> Gate { get; set; } = _ => Task.CompletedTask;

    public int DefaultParallelism => 4;

    public void Attach(ITaskSchedulerEvents scheduler)
    {
        _scheduler = scheduler;
        scheduler.ExecutorAdded(new ExecutorSlots(ExecutorId, ExecutorId, int.MaxValue / 2, BarrierSlots: 0));
    }

    public void Launch(TaskDescription task, string executorId)
    {
        var kill = new CancellationTokenSource();
        _running[task.TaskId] = kill;
        _ = LaunchAsync(task, kill);
    }

    public void Kill(long taskId, string executorId, string reason)
    {
        if (_running.TryGetValue(taskId, out var kill))
        {
            _ = kill.CancelAsync();
        }
    }

    private async Task LaunchAsync(TaskDescription task, CancellationTokenSource kill)
    {
        await Task.Yield();
        TaskResult result;
        try
        {
            result = await RunTaskAsync(task, kill.Token);
        }
        catch (OperationCanceledException e)
        {
            result = new TaskResult(task, null, e, new TaskMetrics(), ExecutorId);
        }

        _running.TryRemove(task.TaskId, out _);
        _scheduler!.TaskEnded(result);
    }

    private async Task<TaskResult> RunTaskAsync(TaskDescription task, CancellationToken cancellationToken)
    {
        Submitted.Enqueue(task);
        await Gate(task).WaitAsync(cancellationToken);
        if (Fail(task) is { } error)
        {
            return new TaskResult(task, null, error, new TaskMetrics(), ExecutorId);
        }

        return await Task.Run(() => TaskRunner.Run(task, environment, cancellationToken), cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static (DataflowContext Context, FakeBackend Backend) CreateContext(int maxTaskFailures = 4,
        Action<Dataflow.Configuration.DataflowOptions>? configure = null)
    {
        FakeBackend? backend = null;
        var options = new Dataflow.Configuration.DataflowOptions { Master = "local[4]" };
        options.Scheduler.MaxTaskFailures = maxTaskFailures;
        configure?.Invoke(options);
        var context = new DataflowContext(options, null, null, env => backend = new FakeBackend(env));
        return (context, backend!);
    }
}
