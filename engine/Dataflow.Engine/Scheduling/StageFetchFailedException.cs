using Dataflow.Shuffle;

namespace Dataflow.Scheduling;

/// <summary>
/// A stage attempt stopped because a task could not read a shuffle block: the lost map output has been forgotten,
/// and the job recomputes it and resubmits the stage's unfinished partitions. Internal to the scheduler.
/// </summary>
internal sealed class StageFetchFailedException(int stageId, FetchFailedException cause)
    : Exception($"Stage {stageId} lost a shuffle input: {cause.Message}", cause)
{
    public int StageId { get; } = stageId;

    public FetchFailedException Cause { get; } = cause;
}
