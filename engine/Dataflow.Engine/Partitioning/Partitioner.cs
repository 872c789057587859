namespace Dataflow.Partitioning;

/// <summary>
/// Maps each key of a key/value RDD to a partition id in <c>[0, NumPartitions)</c>. Two RDDs with equal
/// partitioners are co-partitioned: a by-key operation between them needs no shuffle.
/// </summary>
/// <remarks>Spark: Partitioner</remarks>
public abstract class Partitioner : IEquatable<Partitioner>
{
    /// <summary>The number of partitions keys are mapped to.</summary>
    public abstract int NumPartitions { get; }

    /// <summary>The partition of <paramref name="key"/>; the same in every process.</summary>
    public abstract int GetPartition<TKey>(TKey key);

    /// <summary><see cref="GetPartition{TKey}"/>, checked to lie in <c>[0, NumPartitions)</c>.</summary>
    /// <exception cref="InvalidOperationException">A user partitioner returned a partition out of range.</exception>
    internal int CheckedPartition<TKey>(TKey key)
    {
        var p = GetPartition(key);
        return (uint)p < (uint)NumPartitions
            ? p
            : throw new InvalidOperationException($"{this} returned partition {p} for key '{key}', outside [0, {NumPartitions}).");
    }

    /// <summary>Whether <paramref name="other"/> maps every key to the same partition as this one.</summary>
    public abstract bool Equals(Partitioner? other);

    /// <inheritdoc />
    public sealed override bool Equals(object? obj) => obj is Partitioner other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();
}
