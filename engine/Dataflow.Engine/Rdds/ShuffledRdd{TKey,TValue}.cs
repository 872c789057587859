using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Shuffle;

namespace Dataflow.Rdds;

/// <summary>
/// The reduce side of a shuffle that moves records unchanged; with a key ordering, each partition is sorted within
/// the task's memory (spilled runs merged k ways).
/// </summary>
internal sealed class ShuffledRdd<TKey, TValue> : Rdd<(TKey Key, TValue Value)>
{
    private ShuffleDependency<TKey, TValue, TValue> _dependency;

    public ShuffledRdd(ShuffleDependency<TKey, TValue, TValue> dependency, CallSite callSite)
        : base(dependency.Rdd.Context, [dependency], callSite) => _dependency = dependency;

    private protected override Partitioner? PartitionerCore => _dependency.Partitioner;

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _dependency = null!;
    }

    protected override Partition[] GetPartitions() => ShufflePartitions.Create(_dependency.Partitioner.NumPartitions);

    protected internal override IEnumerable<(TKey Key, TValue Value)> Compute(Partition split, TaskContext context)
    {
        if (_dependency.KeyOrdering is not { } ordering)
        {
            return ShuffleReader.Read<(TKey Key, TValue Value)>(context, _dependency.ShuffleId, split.Index);
        }

        // Map tasks wrote each block sorted by key: a k-way merge of the blocks is the sorted partition.
        var blocks = ShuffleReader.ReadPerMapOutput<(TKey Key, TValue Value)>(context, _dependency.ShuffleId, split.Index);
        return KWayMerge.Merge(blocks, Comparer<(TKey Key, TValue Value)>.Create((a, b) => ordering.Compare(a.Key, b.Key)));
    }
}
