using System.Collections.Concurrent;
using Dataflow.Scheduling;

namespace Dataflow.Tests.Support;

/// <summary>Collects scheduler events so tests can assert what ran.</summary>
public sealed class EventRecorder : IDataflowListener
{
    private readonly ConcurrentQueue<DataflowEvent> _events = new();

    public IReadOnlyList<DataflowEvent> Events => [.. _events];

    public void OnEvent(DataflowEvent e) => _events.Enqueue(e);

    public void Clear() => _events.Clear();

    public int LastJobId => Events.OfType<JobStartEvent>().Last().JobId;

    /// <summary>Stages that completed successfully in a job.</summary>
    public IReadOnlyList<StageCompletedEvent> StagesRun(int jobId) =>
        [.. Events.OfType<StageCompletedEvent>().Where(s => s.JobId == jobId && s.FailureReason is null)];

    public IReadOnlyList<StageCompletedEvent> StagesRunSinceClear =>
        [.. Events.OfType<StageCompletedEvent>().Where(s => s.FailureReason is null)];

    public long ShuffleBytesWrittenSinceClear => StagesRunSinceClear.Sum(s => s.Metrics.ShuffleWriteBytes);
}
