namespace Dataflow.Shuffle;

/// <summary>The block that map task <paramref name="MapId"/> of a shuffle wrote for reduce partition <paramref name="ReduceId"/>.</summary>
public readonly record struct ShuffleBlockId(int ShuffleId, int MapId, int ReduceId)
{
    /// <inheritdoc />
    public override string ToString() => $"shuffle_{ShuffleId}_{MapId}_{ReduceId}";
}
