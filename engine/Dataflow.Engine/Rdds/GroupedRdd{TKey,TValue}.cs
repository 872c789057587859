using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Shuffle;

namespace Dataflow.Rdds;

/// <summary>
/// The reduce side of <c>GroupByKey</c>: the shuffled records are sorted by key hash within the task's memory and
/// grouped one key at a time, so a key's values may exceed memory (they spill to a file and are streamed back when
/// the group is enumerated, as often as needed, while the task runs).
/// </summary>
internal sealed class GroupedRdd<TKey, TValue> : Rdd<(TKey Key, IEnumerable<TValue> Value)>
{
    private ShuffleDependency<TKey, TValue, TValue> _dependency;

    public GroupedRdd(ShuffleDependency<TKey, TValue, TValue> dependency, CallSite callSite)
        : base(dependency.Rdd.Context, [dependency], callSite) => _dependency = dependency;

    private protected override Partitioner? PartitionerCore => _dependency.Partitioner;

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _dependency = null!;
    }

    protected override Partition[] GetPartitions() => ShufflePartitions.Create(_dependency.Partitioner.NumPartitions);

    protected internal override IEnumerable<(TKey Key, IEnumerable<TValue> Value)> Compute(Partition split, TaskContext context) =>
        HashGrouper.GroupByKey(context, ShuffleReader.Read<(TKey Key, TValue Value)>(context, _dependency.ShuffleId, split.Index));
}
