namespace Dataflow.Partitioning;

/// <summary>
/// Partitions by a stable hash of the key (<see cref="StableHash"/>), never by <c>GetHashCode</c>, which is
/// randomised per process for strings and tuples. A <c>null</c> key goes to partition 0.
/// </summary>
/// <remarks>Spark: HashPartitioner</remarks>
public sealed class HashPartitioner : Partitioner
{
    /// <summary>Creates a partitioner over <paramref name="numPartitions"/> partitions.</summary>
    public HashPartitioner(int numPartitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPartitions);
        NumPartitions = numPartitions;
    }

    /// <inheritdoc />
    public override int NumPartitions { get; }

    /// <inheritdoc />
    public override int GetPartition<TKey>(TKey key) =>
        key is null ? 0 : (int)((uint)StableHash.Of(key) % (uint)NumPartitions);

    /// <inheritdoc />
    public override bool Equals(Partitioner? other) => other is HashPartitioner h && h.NumPartitions == NumPartitions;

    /// <inheritdoc />
    public override int GetHashCode() => NumPartitions;

    /// <inheritdoc />
    public override string ToString() => $"HashPartitioner({NumPartitions})";
}
