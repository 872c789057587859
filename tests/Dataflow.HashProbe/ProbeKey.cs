using Dataflow.Partitioning;

namespace Dataflow.HashProbe;

/// <summary>A user key type with its own stable hash.</summary>
public readonly record struct ProbeKey(int Id) : IStableHashable
{
    public int GetStableHashCode() => StableHash.Combine(StableHash.Of("ProbeKey"), StableHash.Of(Id));
}
