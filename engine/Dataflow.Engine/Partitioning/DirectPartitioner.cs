namespace Dataflow.Partitioning;

/// <summary>The key is the partition id (used by <c>Repartition</c>, which assigns records round-robin).</summary>
internal sealed class DirectPartitioner : Partitioner
{
    public DirectPartitioner(int numPartitions) => NumPartitions = numPartitions;

    public override int NumPartitions { get; }

    public override int GetPartition<TKey>(TKey key) => key is int id ? id : throw new ArgumentException("DirectPartitioner keys are partition ids.", nameof(key));

    public override bool Equals(Partitioner? other) => other is DirectPartitioner d && d.NumPartitions == NumPartitions;

    public override int GetHashCode() => NumPartitions * 31;
}
