namespace Dataflow.Scheduling;

/// <summary>A running job: its id, group, cancellation, and which (stage, partition) results it has already merged.</summary>
internal sealed class ActiveJob(int id, string? group, CancellationToken callerToken) : IDisposable
{
    private readonly HashSet<(int Stage, int Partition)> _merged = [];

    public int Id { get; } = id;

    public string? Group { get; } = group;

    public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(callerToken);

    /// <summary>Every map stage the job may run or read; kept by the scheduler while this or another job needs it.</summary>
    public IReadOnlyList<ShuffleMapStage> MapStages { get; init; } = [];

    /// <summary>
    /// True the first time a partition of a stage completes in this job: its accumulator updates count then and
    /// never again (retries, speculative copies and recomputations within the job do not add twice).
    /// </summary>
    public bool FirstCompletion(int stageId, int partition)
    {
        lock (_merged)
        {
            return _merged.Add((stageId, partition));
        }
    }

    public void Dispose() => Cancellation.Dispose();
}
