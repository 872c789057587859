using Dataflow.Execution;
using Dataflow.Scheduling.Backends;

namespace Dataflow.Scheduling;

/// <summary>
/// One task attempt as the scheduler hands it to an <see cref="IExecutorPool"/>: plain ids plus the task binary
/// (<see cref="Task"/>: the stage's final RDD with its lineage and closures, and the partition). A local backend runs
/// the binary in process; a cluster backend serialises it once per stage and ships the ids per task.
/// </summary>
/// <param name="TaskId">Unique per attempt within the context.</param>
/// <param name="JobId">The job that submitted the stage.</param>
/// <param name="StageId">The stage.</param>
/// <param name="StageAttempt">The stage attempt.</param>
/// <param name="PartitionId">The partition computed.</param>
/// <param name="Attempt">The task attempt, 0-based.</param>
/// <param name="Task">What to run.</param>
/// <param name="PreferredLocations">Executors or hosts where the task's data is local.</param>
internal sealed record TaskDescription(
    long TaskId,
    int JobId,
    int StageId,
    int StageAttempt,
    int PartitionId,
    int Attempt,
    StageTask Task,
    IReadOnlyList<string> PreferredLocations)
{
    /// <summary>Whether this attempt is a speculative copy of a slow one still running elsewhere.</summary>
    public bool Speculative { get; init; }

    /// <summary>For a task of a barrier stage: the launch of the whole set it belongs to; <c>null</c> otherwise.</summary>
    public BarrierLaunch? Barrier { get; init; }
}
