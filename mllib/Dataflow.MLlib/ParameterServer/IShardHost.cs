namespace Dataflow.MLlib.ParameterServer;

/// <summary>Creates and removes the shards of a training run somewhere other than the driver's process (grains on
/// worker silos); the workers find them through <see cref="ShardDirectory.RemoteResolver"/>.</summary>
public interface IShardHost
{
    /// <summary>Creates one shard per range of <paramref name="ranges"/> for run <paramref name="runId"/>.</summary>
    Task<IReadOnlyList<IParameterShard>> CreateAsync(string runId, KeyRanges ranges, ShardSettings settings);

    /// <summary>Removes the run's <paramref name="shards"/> shards.</summary>
    Task RemoveAsync(string runId, int shards);
}
