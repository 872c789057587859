using Dataflow.Partitioning;

namespace Dataflow;

/// <summary>
/// Compares byte arrays by content: unsigned lexicographic order (the order of <c>LC_ALL=C sort</c> and of
/// <c>memcmp</c>, where a prefix sorts first), equality of contents, and a hash that is stable across processes
/// (<see cref="StableHash.Bytes"/>). Byte arrays compare by reference by default, which suits neither sorting nor
/// grouping raw lines.
/// </summary>
/// <example><code>
/// var sorted = ctx.ByteLines("in/").OrderBy(line => line, ByteArrayComparer.Instance);
/// </code></example>
public sealed class ByteArrayComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    private ByteArrayComparer()
    {
    }

    /// <summary>The one instance.</summary>
    public static ByteArrayComparer Instance { get; } = new();

    /// <summary>Unsigned lexicographic comparison; <c>null</c> sorts before every array.</summary>
    /// <returns>Negative when <paramref name="x"/> comes first, zero when equal, positive otherwise.</returns>
    public int Compare(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        return y is null ? 1 : x.AsSpan().SequenceCompareTo(y);
    }

    /// <summary>Whether both are <c>null</c> or hold the same bytes.</summary>
    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    /// <summary>The stable content hash (<see cref="StableHash.Bytes"/>), the same in every process.</summary>
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return StableHash.Bytes(obj);
    }
}
