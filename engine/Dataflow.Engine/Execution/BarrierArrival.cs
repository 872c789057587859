namespace Dataflow.Execution;

/// <summary>
/// One task's arrival at a barrier of a barrier stage's launch, as sent to a coordinator in another process (a cluster
/// worker's tasks meet at the driver). Idempotent: the same arrival sent twice counts once.
/// </summary>
/// <param name="StageId">The stage.</param>
/// <param name="StageAttempt">The stage attempt.</param>
/// <param name="Epoch">The launch of the set (a relaunch after a failure has the next).</param>
/// <param name="NumTasks">Tasks that must arrive for the barrier to release.</param>
/// <param name="PartitionId">The arriving task's partition.</param>
/// <param name="Round">Which of the task's barrier calls this is, 0-based: the n-th calls of all tasks release together.</param>
internal sealed record BarrierArrival(int StageId, int StageAttempt, int Epoch, int NumTasks, int PartitionId, int Round);
