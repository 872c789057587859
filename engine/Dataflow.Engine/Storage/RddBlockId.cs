namespace Dataflow.Storage;

/// <summary>The cached block of one partition of a persisted RDD.</summary>
public readonly record struct RddBlockId(int RddId, int Partition)
{
    /// <inheritdoc />
    public override string ToString() => $"rdd_{RddId}_{Partition}";
}
