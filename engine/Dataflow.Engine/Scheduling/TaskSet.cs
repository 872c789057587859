using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>
/// One stage attempt as the DAG scheduler hands it to the <see cref="TaskSetScheduler"/>: a task per partition, with
/// where each prefers to run. The task scheduler owns the attempts from there on (placement, retries, speculation).
/// </summary>
/// <param name="JobId">The job that submitted the stage (fair sharing is between jobs).</param>
/// <param name="StageId">The stage.</param>
/// <param name="StageAttempt">The stage attempt.</param>
/// <param name="Partitions">The partitions to compute, one task each.</param>
/// <param name="CreateTask">The task binary of a partition (called at each launch).</param>
/// <param name="PreferredLocations">Executor ids or hosts where a partition's data is, per entry of <paramref name="Partitions"/>.</param>
/// <param name="CallSite">Named in failures.</param>
/// <param name="IsBarrier">Launched all at once or not at all; a failure restarts the whole set.</param>
/// <remarks>Spark: TaskSet</remarks>
internal sealed record TaskSet(
    int JobId,
    int StageId,
    int StageAttempt,
    IReadOnlyList<int> Partitions,
    Func<int, StageTask> CreateTask,
    IReadOnlyList<IReadOnlyList<string>> PreferredLocations,
    CallSite CallSite,
    bool IsBarrier = false)
{
    /// <summary>The stage attempt as named in messages.</summary>
    public override string ToString() => $"stage {StageId} attempt {StageAttempt} of job {JobId} ({CallSite})";
}
