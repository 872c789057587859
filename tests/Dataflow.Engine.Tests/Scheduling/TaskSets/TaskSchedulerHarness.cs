using Dataflow.Configuration;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>A task scheduler over a fake executor pool and a fake clock.</summary>
internal sealed class TaskSchedulerHarness : IDisposable
{
    private int _nextStage;

    public TaskSchedulerHarness(Action<SchedulerOptions>? configure = null)
    {
        var options = new SchedulerOptions();
        configure?.Invoke(options);
        Scheduler = new TaskSetScheduler(Pool, options, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeExecutorPool Pool { get; } = new();

    public TaskSetScheduler Scheduler { get; }

    /// <summary>Submits a set of <paramref name="partitions"/> tasks; <paramref name="preferences"/> per partition, none by default.</summary>
    public (TaskSetManager Manager, RecordingTaskSetListener Listener) Submit(
        int partitions, Func<int, IReadOnlyList<string>>? preferences = null, int jobId = 0, bool barrier = false)
    {
        var listener = new RecordingTaskSetListener();
        var set = new TaskSet(jobId, _nextStage++, 0, [.. Enumerable.Range(0, partitions)], _ => null!,
            [.. Enumerable.Range(0, partitions).Select(p => preferences?.Invoke(p) ?? [])], CallSite.Internal("test"), barrier);
        return (Scheduler.Submit(set, listener), listener);
    }

    public void Dispose() => Scheduler.Dispose();
}
