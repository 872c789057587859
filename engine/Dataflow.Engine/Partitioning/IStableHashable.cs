namespace Dataflow.Partitioning;

/// <summary>
/// A user type that supplies its own process-independent hash for partitioning. Implement it on key types that
/// <see cref="StableHash"/> would otherwise hash through their MessagePack serialization (stable but slower).
/// </summary>
/// <example><code>
/// public sealed record Point(int X, int Y) : IStableHashable
/// {
///     public int GetStableHashCode() => StableHash.Combine(StableHash.Of(X), StableHash.Of(Y));
/// }
/// </code></example>
public interface IStableHashable
{
    /// <summary>
    /// A hash that is equal for equal values in every process and on every machine: build it from
    /// <see cref="StableHash"/> methods, never from <see cref="object.GetHashCode"/> or <see cref="HashCode"/>.
    /// </summary>
    /// <returns>The stable hash.</returns>
    int GetStableHashCode();
}
