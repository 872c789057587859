using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Cluster;

/// <summary>Creating, finding and removing the shard grains of one parameter-server run.</summary>
public static class GrainShards
{
    /// <summary>The grain key of shard <paramref name="shard"/> of run <paramref name="runId"/>.</summary>
    public static string KeyOf(string runId, int shard) => $"{runId}/{shard}";

    /// <summary>Creates (activates and initialises) every shard of a run; the driver calls this before the workers start.</summary>
    public static async Task<IReadOnlyList<IParameterShard>> CreateAsync(IGrainFactory grains, string runId, KeyRanges ranges, ShardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(ranges);
        settings.Validate();
        var shards = Find(grains, runId, ranges);
        await Task.WhenAll(Enumerable.Range(0, ranges.Shards)
            .Select(s => grains.GetGrain<IParameterShardGrain>(KeyOf(runId, s)).InitializeAsync(ShardGrainSettings.For(s, ranges, settings))));
        return shards;
    }

    /// <summary>Handles on a run's shards (no call is made).</summary>
    public static IReadOnlyList<IParameterShard> Find(IGrainFactory grains, string runId, KeyRanges ranges)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(ranges);
        return [.. Enumerable.Range(0, ranges.Shards)
            .Select(s => new GrainShard(grains.GetGrain<IParameterShardGrain>(KeyOf(runId, s)), ranges.First(s), ranges.Count(s)))];
    }

    /// <summary>
    /// Handles on a run's shards whose <see cref="IParameterShard.RestoreAsync"/> first re-creates a shard grain that
    /// lost its state (its silo died and it was activated afresh elsewhere) from <paramref name="settings"/>.
    /// </summary>
    public static IReadOnlyList<IParameterShard> Find(IGrainFactory grains, string runId, KeyRanges ranges, ShardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(settings);
        return [.. Enumerable.Range(0, ranges.Shards)
            .Select(s => new GrainShard(grains.GetGrain<IParameterShardGrain>(KeyOf(runId, s)), ranges.First(s), ranges.Count(s), ShardGrainSettings.For(s, ranges, settings)))];
    }

    /// <summary>Removes a run's shard grains.</summary>
    public static Task RemoveAsync(IGrainFactory grains, string runId, int shards)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return Task.WhenAll(Enumerable.Range(0, shards).Select(s => grains.GetGrain<IParameterShardGrain>(KeyOf(runId, s)).RemoveAsync()));
    }
}
