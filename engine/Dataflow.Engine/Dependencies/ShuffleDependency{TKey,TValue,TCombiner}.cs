using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.Records;
using Dataflow.Shuffle;

namespace Dataflow.Dependencies;

/// <summary>A shuffle of <c>(TKey, TValue)</c> records, optionally aggregated into <typeparamref name="TCombiner"/>s.</summary>
/// <remarks>Spark: ShuffleDependency</remarks>
public sealed class ShuffleDependency<TKey, TValue, TCombiner> : ShuffleDependency
{
    /// <summary>Creates the dependency.</summary>
    /// <param name="rdd">The parent (map side).</param>
    /// <param name="partitioner">Assigns keys to reduce partitions.</param>
    /// <param name="aggregator">The by-key aggregation, or <c>null</c> to move records unchanged.</param>
    /// <param name="mapSideCombine">Combine values on the map side (requires <paramref name="aggregator"/>).</param>
    /// <param name="keyOrdering">When set, each reduce partition is sorted by key.</param>
    /// <param name="callSite">The operator that shuffles, named if its record types cannot be serialised.</param>
    public ShuffleDependency(
        Rdd<(TKey Key, TValue Value)> rdd,
        Partitioner partitioner,
        Aggregator<TValue, TCombiner>? aggregator,
        bool mapSideCombine,
        IComparer<TKey>? keyOrdering,
        CallSite? callSite = null)
        : base(rdd, partitioner, mapSideCombine)
    {
        ArgumentNullException.ThrowIfNull(rdd);
        var site = callSite ?? rdd.CallSite;
        RecordTypeCheck.Ensure(typeof(TKey), site, "are shuffle keys");
        RecordTypeCheck.Ensure(typeof(TValue), site, "are shuffled");
        if (aggregator is not null)
        {
            RecordTypeCheck.Ensure(typeof(TCombiner), site, "are aggregated (and may spill to disk)");
            ClosureChecker.Shared.Check(aggregator.CreateCombiner, site);
            ClosureChecker.Shared.Check(aggregator.MergeValue, site);
            ClosureChecker.Shared.Check(aggregator.MergeCombiners, site);
        }

        if (mapSideCombine && aggregator is null)
        {
            throw new ArgumentException("Map-side combine needs an aggregator.", nameof(mapSideCombine));
        }

        Parent = rdd;
        Aggregator = aggregator;
        KeyOrdering = keyOrdering;
        BypassMerge = ShuffleWriter.ShouldBypassMerge(mapSideCombine, keyOrdering is not null, partitioner.NumPartitions, rdd.Context.Options.Shuffle.BypassMergeThreshold);
    }

    /// <summary>The parent RDD.</summary>
    public Rdd<(TKey Key, TValue Value)> Parent { get; }

    /// <summary>The by-key aggregation, if any.</summary>
    public Aggregator<TValue, TCombiner>? Aggregator { get; }

    /// <summary>The key order of each reduce partition, if sorted.</summary>
    public IComparer<TKey>? KeyOrdering { get; }

    /// <summary>Whether map tasks write each record straight to its partition's file (<see cref="ShuffleWriter.ShouldBypassMerge"/>).</summary>
    internal bool BypassMerge { get; }

    /// <summary>Hands the map task to <see cref="ShuffleWriter"/>, which writes it; this is where the record types are known.</summary>
    internal override MapStatus RunMapTask(Partition partition, TaskContext context) => ShuffleWriter.Write(this, partition, context);
}
