using Dataflow.Dependencies;
using Dataflow.Execution;

namespace Dataflow.Rdds;

/// <summary>
/// Fewer partitions without a shuffle: each partition reads a group of parent partitions one after another, in the
/// same task. The groups are chosen by <see cref="PartitionCoalescer"/> (near-equal counts, same-location partitions
/// together).
/// </summary>
/// <remarks>Spark: CoalescedRDD</remarks>
internal sealed class CoalescedRdd<T> : Rdd<T>
{
    private Rdd<T> _parent;
    private readonly Lazy<CoalescedPartition[]> _groups;

    public CoalescedRdd(Rdd<T> parent, int maxPartitions, CallSite callSite)
        : this(parent, new Lazy<CoalescedPartition[]>(() => PartitionCoalescer.Coalesce(LocationsOf(parent), maxPartitions)), callSite)
    {
    }

    private CoalescedRdd(Rdd<T> parent, Lazy<CoalescedPartition[]> groups, CallSite callSite)
        : base(parent.Context, [new CoalescedDependency(parent, groups)], callSite)
    {
        _parent = parent;
        _groups = groups;
    }

    private protected override IReadOnlyList<string> PreferredLocationsCore(Partition partition) =>
        ((CoalescedPartition)partition).Location is { } location ? [location] : [];

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _parent = null!;
    }

    protected override Partition[] GetPartitions() => [.. _groups.Value];

    protected internal override IEnumerable<T> Compute(Partition split, TaskContext context)
    {
        foreach (var index in ((CoalescedPartition)split).Parents)
        {
            foreach (var item in _parent.Iterator(_parent.Partitions[index], context))
            {
                yield return item;
            }
        }
    }

    private static string?[] LocationsOf(Rdd<T> parent) =>
        [.. parent.Partitions.Select(p => parent.GetPreferredLocations(p) is [var first, ..] ? first : null)];
}
