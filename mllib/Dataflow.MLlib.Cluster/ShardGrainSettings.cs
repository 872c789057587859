using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Cluster;

/// <summary>A shard's creation settings as they travel to its grain (primitives only).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardGrainSettings(
    [property: Id(0)] int ShardId, [property: Id(1)] int FirstKey, [property: Id(2)] int Count, [property: Id(3)] int Workers,
    [property: Id(4)] string Consistency, [property: Id(5)] string UpdaterKind, [property: Id(6)] double Step, [property: Id(7)] double Epsilon,
    [property: Id(8)] double RegParam, [property: Id(9)] int RegularizedBelow, [property: Id(10)] double? Decay, [property: Id(11)] bool Sparse,
    [property: Id(12)] int SnapshotEvery, [property: Id(13)] string? SnapshotDirectory, [property: Id(14)] bool KeepSnapshots = false,
    [property: Id(15)] int SnapshotOffset = 0)
{
    /// <summary>The grain settings of shard <paramref name="shard"/> of a run.</summary>
    public static ShardGrainSettings For(int shard, KeyRanges ranges, ShardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(settings);
        var u = settings.Updater;
        return new ShardGrainSettings(shard, ranges.First(shard), ranges.Count(shard), settings.Workers, settings.Consistency, u.Kind, u.Step, u.Epsilon,
            u.RegParam, u.RegularizedBelow, u.Decay, settings.Sparse, settings.SnapshotEvery, settings.SnapshotDirectory, settings.KeepSnapshots,
            settings.SnapshotOffset);
    }

    /// <summary>The plain shard these settings describe.</summary>
    public ParameterShard Create() => new(ShardId, FirstKey, Count,
        new ShardSettings(Workers, Consistency, new UpdaterSpec(UpdaterKind, Step, Epsilon, RegParam, RegularizedBelow, Decay), Sparse, SnapshotEvery, SnapshotDirectory, KeepSnapshots, SnapshotOffset));
}
