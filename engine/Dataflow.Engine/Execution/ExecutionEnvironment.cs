using Dataflow.Shared;
using Dataflow.Shuffle;
using Dataflow.Storage;

namespace Dataflow.Execution;

/// <summary>
/// What a running task needs from the executor it runs on: the executor's shuffle storage and a view of the map
/// outputs, its block store for cached partitions and its broadcast copies. In local mode there is one, owned by the context; each cluster worker has its own.
/// </summary>
/// <remarks>Spark: SparkEnv</remarks>
internal sealed class ExecutionEnvironment(string executorId, IShuffleManager shuffleManager, MapOutputTracker mapOutputs, BlockManager blockManager)
{
    public string ExecutorId { get; } = executorId;

    public IShuffleManager ShuffleManager { get; } = shuffleManager;

    public MapOutputTracker MapOutputs { get; } = mapOutputs;

    public BlockManager BlockManager { get; } = blockManager;

    public BroadcastStore Broadcasts { get; } = new();
}
