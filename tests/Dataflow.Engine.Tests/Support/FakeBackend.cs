using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Scheduling.Backends;

namespace Dataflow.Tests.Support;

/// <summary>
/// A scheduler backend under the test's control (Spark DAGSchedulerSuite style): records every submitted task,
/// can hold tasks at a gate and can fail chosen attempts; otherwise runs tasks for real on the thread pool.
/// </summary>
internal sealed class FakeBackend(ExecutionEnvironment environment) : ISchedulerBackend
{
    public ConcurrentQueue<TaskDescription> Submitted { get; } = new();

    /// <summary>Returns the exception a given attempt should fail with, or null to run it.</summary>
    public Func<TaskDescription, Exception?> Fail { get; set; } = _ => null;

    /// <summary>Awaited before each task runs.</summary>
    public Func<TaskDescription, Task> Gate { get; set; } = _ => Task.CompletedTask;

    public int DefaultParallelism => 4;

    public async Task<TaskResult> RunTaskAsync(TaskDescription task, CancellationToken cancellationToken)
    {
        Submitted.Enqueue(task);
        await Gate(task).WaitAsync(cancellationToken);
        if (Fail(task) is { } error)
        {
            return new TaskResult(task, null, error, new TaskMetrics(), "fake");
        }

        return await Task.Run(() => TaskRunner.Run(task, environment, cancellationToken), cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static (DataflowContext Context, FakeBackend Backend) CreateContext(int maxTaskFailures = 4)
    {
        FakeBackend? backend = null;
        var options = new Dataflow.Configuration.DataflowOptions { Master = "local[4]" };
        options.Scheduler.MaxTaskFailures = maxTaskFailures;
        var context = new DataflowContext(options, null, null, env => backend = new FakeBackend(env));
        return (context, backend!);
    }
}
