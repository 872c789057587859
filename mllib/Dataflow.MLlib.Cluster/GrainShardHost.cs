using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Cluster;

/// <summary>Shard grains as the driver creates them for a run: <c>new PsLogisticRegression { ShardHost = new GrainShardHost(client) }</c>.</summary>
/// <param name="grains">The driver's grain factory (its cluster client).</param>
public sealed class GrainShardHost(IGrainFactory grains) : IShardHost
{
    /// <summary>
    /// The shard grains of a context's cluster, created with the backend's grain factory; null when the context's
    /// backend has none (local mode). <see cref="ShardHosts.For"/> calls this, so PS training on an <c>orleans://</c>
    /// master needs no host from the application.
    /// </summary>
    public static GrainShardHost? For(DataflowContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetBackendService<IGrainFactory>() is { } grains ? new GrainShardHost(grains) : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<IParameterShard>> CreateAsync(string runId, KeyRanges ranges, ShardSettings settings) =>
        GrainShards.CreateAsync(grains, runId, ranges, settings);

    /// <inheritdoc />
    public Task RemoveAsync(string runId, int shards) => GrainShards.RemoveAsync(grains, runId, shards);
}
