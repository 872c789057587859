using Dataflow.Cluster.Placement;
using Dataflow.Cluster.Worker;
using Orleans.Concurrency;

namespace Dataflow.Cluster.Grains;

/// <summary>The worker status's Orleans face: reads the executor's counters.</summary>
[ExecutorPlacement, Reentrant]
internal sealed class WorkerStatusGrain(WorkerExecutor executor) : Grain, IWorkerStatusGrain
{
    public Task<WorkerStatus> GetStatus() => Task.FromResult(executor.Status());
}
