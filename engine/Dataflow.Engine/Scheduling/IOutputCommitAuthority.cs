namespace Dataflow.Scheduling;

/// <summary>
/// Who a task asks whether its attempt may commit its output partition: the driver's
/// <see cref="OutputCommitCoordinator"/>, asked directly in local mode and through the driver's endpoint on a worker.
/// </summary>
internal interface IOutputCommitAuthority
{
    /// <summary>Whether the attempt <paramref name="taskId"/> of <paramref name="partition"/> may commit; the same answer every time it asks.</summary>
    bool CanCommit(int stageId, int stageAttempt, int partition, long taskId);
}
