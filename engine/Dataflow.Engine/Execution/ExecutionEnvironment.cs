using Dataflow.Shuffle;

namespace Dataflow.Execution;

/// <summary>
/// What a running task needs from the executor it runs on: the executor's shuffle storage and a view of the map
/// outputs. In local mode there is one, owned by the context; each cluster worker has its own.
/// </summary>
/// <remarks>Spark: SparkEnv</remarks>
internal sealed class ExecutionEnvironment(string executorId, IShuffleManager shuffleManager, MapOutputTracker mapOutputs)
{
    public string ExecutorId { get; } = executorId;

    public IShuffleManager ShuffleManager { get; } = shuffleManager;

    public MapOutputTracker MapOutputs { get; } = mapOutputs;
}
