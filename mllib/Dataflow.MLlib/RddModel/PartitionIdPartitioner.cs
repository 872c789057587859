using Dataflow.Partitioning;

namespace Dataflow.MLlib.RddModel;

/// <summary>Keys are partition ids: record (p, …) goes to partition p, so a keyed RDD lines up with the data's partitions.</summary>
internal sealed class PartitionIdPartitioner(int numPartitions) : Partitioner
{
    public override int NumPartitions { get; } = numPartitions;

    public override int GetPartition<TKey>(TKey key) =>
        key is int id ? id : throw new ArgumentException("PartitionIdPartitioner keys are partition ids (int).", nameof(key));

    public override bool Equals(Partitioner? other) => other is PartitionIdPartitioner p && p.NumPartitions == NumPartitions;

    public override int GetHashCode() => NumPartitions * 37;

    public override string ToString() => $"PartitionIdPartitioner({NumPartitions})";
}
