using Dataflow.Broadcasting;
using Dataflow.Shuffle;
using Dataflow.Storage;

namespace Dataflow.Execution;

/// <summary>
/// What a running task needs from the executor it runs on: the executor's shuffle storage and a view of the map
/// outputs, its block store for cached partitions, its broadcast copies and its executor-local objects. In local mode there is one, owned by the context; each cluster worker has its own.
/// </summary>
/// <remarks>Spark: SparkEnv</remarks>
internal sealed class ExecutionEnvironment(string executorId, IShuffleManager shuffleManager, MapOutputTracker mapOutputs, BlockManager blockManager)
{
    public string ExecutorId { get; } = executorId;

    public IShuffleManager ShuffleManager { get; } = shuffleManager;

    public MapOutputTracker MapOutputs { get; } = mapOutputs;

    public BlockManager BlockManager { get; } = blockManager;

    public BroadcastStore Broadcasts { get; } = new();

    /// <summary>The application's objects that outlive tasks on this executor; disposed by whoever owns the environment.</summary>
    public ExecutorLocals Locals { get; } = new();

    /// <summary>
    /// Decides which attempt of an output partition may commit its part file: the driver's coordinator, asked directly
    /// in the driver's own environment and through the driver's endpoint on a worker; <c>null</c> where there is none
    /// (the output committer's own rule, the first attempt to rename its directory into place wins, is then all there is).
    /// </summary>
    public Scheduling.IOutputCommitAuthority? CommitCoordinator { get; set; }

    /// <summary>The barriers of the barrier-stage tasks running here (local mode: every task of a launch is in this process).</summary>
    public BarrierRegistry Barriers { get; } = new();

    /// <summary>
    /// Where the tasks of a barrier stage meet when they may run in several processes (a cluster worker sends each
    /// arrival to the driver); completes when every task of the launch has arrived. <c>null</c>: they meet in
    /// <see cref="Barriers"/>.
    /// </summary>
    public Func<BarrierArrival, CancellationToken, Task>? RemoteBarrier { get; init; }

    /// <summary>
    /// How a worker gets a broadcast's value it has no copy of (from the driver); <c>null</c> in the driver's own
    /// environment, whose tasks read the driver's object.
    /// </summary>
    public Func<long, object?>? FetchBroadcast { get; init; }

    /// <summary>The executor's execution-memory budget, shared by its tasks' sort buffers, maps and groups.</summary>
    public MemoryManager Memory { get; init; } = new(long.MaxValue);

    /// <summary>The directory under which each task attempt gets a directory for its spill files.</summary>
    public string SpillDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "dataflow", "spill");

    /// <summary>Whether shuffle blocks and spill files are LZ4-compressed (<c>Dataflow:Shuffle:Compress</c>).</summary>
    public bool Compress { get; init; } = true;
}
