namespace Dataflow.Rdds;

/// <summary>A partition of a <see cref="CoalescedRdd{T}"/>: the parent partitions it reads, in order, and where they live.</summary>
/// <remarks>Spark: CoalescedRDDPartition</remarks>
internal sealed class CoalescedPartition(int index, int[] parents, string? location) : Partition(index)
{
    /// <summary>The parent partition indices, ascending.</summary>
    public IReadOnlyList<int> Parents { get; } = parents;

    /// <summary>The location most of <see cref="Parents"/> prefer, or <c>null</c> when none has one.</summary>
    public string? Location { get; } = location;

    /// <inheritdoc />
    public override string ToString() => $"CoalescedPartition({Index}: {string.Join(",", Parents)})";
}
