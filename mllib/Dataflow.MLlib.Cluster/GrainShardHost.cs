using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Cluster;

/// <summary>Shard grains as the driver creates them for a run: <c>new PsLogisticRegression { ShardHost = new GrainShardHost(client) }</c>.</summary>
/// <param name="grains">The driver's grain factory (its cluster client).</param>
public sealed class GrainShardHost(IGrainFactory grains) : IShardHost
{
    /// <inheritdoc />
    public Task<IReadOnlyList<IParameterShard>> CreateAsync(string runId, KeyRanges ranges, ShardSettings settings) =>
        GrainShards.CreateAsync(grains, runId, ranges, settings);

    /// <inheritdoc />
    public Task RemoveAsync(string runId, int shards) => GrainShards.RemoveAsync(grains, runId, shards);
}
