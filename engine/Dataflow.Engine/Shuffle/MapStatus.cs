namespace Dataflow.Shuffle;

/// <summary>
/// Where a map task's output lives and how big each reduce partition's block is (so reducers skip empty blocks and
/// the scheduler can see skew).
/// </summary>
/// <param name="ShuffleId">The shuffle.</param>
/// <param name="MapId">The map partition.</param>
/// <param name="ExecutorId">The executor whose block store holds the output.</param>
/// <param name="BlockSizes">Bytes stored per reduce partition.</param>
public sealed record MapStatus(int ShuffleId, int MapId, string ExecutorId, long[] BlockSizes);
