namespace Dataflow.Cluster.Grains;

/// <summary>
/// A worker's read-only status (one per worker silo, keyed and pinned like the executor), for <c>dataflow workers</c>
/// and operators. Answers from counters the executor keeps; it never waits for a task.
/// </summary>
public interface IWorkerStatusGrain : IGrainWithStringKey
{
    /// <summary>The worker's status now.</summary>
    Task<WorkerStatus> GetStatus();
}

/// <summary>What one worker holds and runs now.</summary>
/// <param name="Address">The silo address (host:port) the worker's executor is known by.</param>
/// <param name="ExecutorId">The executor id drivers use (the parsable silo address).</param>
/// <param name="Build">The worker's engine build and protocol.</param>
/// <param name="SlotsTotal">Task slots; 0 for a membership-only silo.</param>
/// <param name="RunningTasks">Task attempts running now (all applications).</param>
/// <param name="MemoryUsedBytes">Executor memory in use: execution (sort buffers, maps) plus cached blocks.</param>
/// <param name="MemoryTotalBytes">The executor's memory budget (<c>Dataflow:Executor:Memory</c>).</param>
/// <param name="ShuffleBytes">Bytes of shuffle files stored for all applications.</param>
/// <param name="Applications">The ids of the driver applications registered here.</param>
/// <param name="Uptime">How long the worker process has run.</param>
[GenerateSerializer, Immutable]
public sealed record WorkerStatus(
    [property: Id(0)] string Address,
    [property: Id(1)] string ExecutorId,
    [property: Id(2)] string Build,
    [property: Id(3)] int SlotsTotal,
    [property: Id(4)] int RunningTasks,
    [property: Id(5)] long MemoryUsedBytes,
    [property: Id(6)] long MemoryTotalBytes,
    [property: Id(7)] long ShuffleBytes,
    [property: Id(8)] string[] Applications,
    [property: Id(9)] TimeSpan Uptime)
{
    /// <summary>Slots not running a task now (never negative: barrier tasks may run beyond the slots).</summary>
    public int SlotsFree => Math.Max(0, SlotsTotal - RunningTasks);
}
