using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Shuffle;

namespace Dataflow.Rdds;

/// <summary>
/// The reduce side of an aggregating shuffle: merges values or map-side combiners by key in an
/// <see cref="ExternalAppendOnlyMap{TKey, TValue, TCombiner}"/>, which spills when the task's memory runs out.
/// </summary>
internal sealed class ShuffledRdd<TKey, TValue, TCombiner> : Rdd<(TKey Key, TCombiner Value)>
{
    private ShuffleDependency<TKey, TValue, TCombiner> _dependency;

    public ShuffledRdd(ShuffleDependency<TKey, TValue, TCombiner> dependency, CallSite callSite)
        : base(dependency.Rdd.Context, [dependency], callSite)
    {
        if (dependency.Aggregator is null)
        {
            throw new ArgumentException("An aggregating shuffled RDD needs an aggregator.", nameof(dependency));
        }

        _dependency = dependency;
    }

    private protected override Partitioner? PartitionerCore => _dependency.Partitioner;

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _dependency = null!;
    }

    protected override Partition[] GetPartitions() => ShufflePartitions.Create(_dependency.Partitioner.NumPartitions);

    protected internal override IEnumerable<(TKey Key, TCombiner Value)> Compute(Partition split, TaskContext context)
    {
        var aggregator = _dependency.Aggregator!;
        var aggregated = _dependency.MapSideCombine
            ? ExternalAppendOnlyMap<TKey, TCombiner, TCombiner>.Aggregate(context,
                ShuffleReader.Read<(TKey Key, TCombiner Value)>(context, _dependency.ShuffleId, split.Index),
                static c => c, aggregator.MergeCombiners, aggregator.MergeCombiners)
            : ExternalAppendOnlyMap<TKey, TValue, TCombiner>.Aggregate(context,
                ShuffleReader.Read<(TKey Key, TValue Value)>(context, _dependency.ShuffleId, split.Index),
                aggregator.CreateCombiner, aggregator.MergeValue, aggregator.MergeCombiners);
        return _dependency.KeyOrdering is { } ordering ? ShufflePartitions.SortByKey(context, aggregated, ordering) : aggregated;
    }
}
