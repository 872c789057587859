using Dataflow.Cluster.Grains;
using Dataflow.Scheduling;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// A worker's tasks ask the driver's output commit coordinator whether they may commit, so that with retries and
/// speculative copies on several workers each output partition is committed by one attempt.
/// </summary>
internal sealed class DriverCommitAuthority(IDriverEndpoint driver) : IOutputCommitAuthority
{
    // Asked from the task's executor thread, where blocking is the rule (as for any task I/O).
    public bool CanCommit(int stageId, int stageAttempt, int partition, long taskId) =>
        driver.CanCommit(stageId, stageAttempt, partition, taskId).GetAwaiter().GetResult();
}
