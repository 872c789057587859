namespace Dataflow;

/// <summary>
/// One slice of an RDD: the unit of parallelism. A task computes exactly one partition of its stage's last RDD.
/// Subclasses carry what <c>Compute</c> needs for that slice (an input split, a range of a collection, ...).
/// </summary>
/// <remarks>Spark: Partition</remarks>
public class Partition
{
    /// <summary>Creates a partition with the given index.</summary>
    public Partition(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Index = index;
    }

    /// <summary>The partition's position within its RDD, 0-based.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}({Index})";
}
