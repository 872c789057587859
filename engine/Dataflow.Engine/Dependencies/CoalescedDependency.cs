using Dataflow.Rdds;

namespace Dataflow.Dependencies;

/// <summary>
/// Each partition of a coalesced RDD reads a group of parent partitions (see <see cref="PartitionCoalescer"/>). The
/// groups are computed lazily, with the child's partitions, because they depend on the parent's partitions.
/// </summary>
/// <remarks>Spark: the NarrowDependency of CoalescedRDD</remarks>
internal sealed class CoalescedDependency : NarrowDependency
{
    private readonly Lazy<CoalescedPartition[]> _groups;

    public CoalescedDependency(RddBase rdd, Lazy<CoalescedPartition[]> groups) : base(rdd) => _groups = groups;

    /// <inheritdoc />
    public override IReadOnlyList<int> GetParents(int partitionId) => _groups.Value[partitionId].Parents;
}
