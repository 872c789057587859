using System.Collections.Concurrent;
using Dataflow.Scheduling;

namespace Dataflow.Examples.Tests.PageRank;

/// <summary>Collects the scheduler's job and stage events so tests can assert which stages ran.</summary>
public sealed class StageRecorder : IDataflowListener
{
    private readonly ConcurrentQueue<DataflowEvent> _events = new();

    public IReadOnlyList<DataflowEvent> Events => [.. _events];

    public IReadOnlyList<int> JobIds => [.. Events.OfType<JobStartEvent>().Select(j => j.JobId)];

    public void OnEvent(DataflowEvent e) => _events.Enqueue(e);

    /// <summary>The shuffle map stages a job actually submitted (not those it skipped because their output existed).</summary>
    public IReadOnlyList<StageInfo> MapStagesSubmitted(int jobId) =>
        [.. Events.OfType<StageSubmittedEvent>().Where(s => s.JobId == jobId && s.Stage.ShuffleId is not null).Select(s => s.Stage)];
}
