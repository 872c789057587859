using System.Buffers.Binary;

namespace Dataflow.Collections;

/// <summary>
/// A comparer that can give each value a 64-bit sort prefix, so that a sort compares most pairs as two integers and
/// calls the comparer only where prefixes tie (Spark: the prefix comparators of its unsafe sorter).
/// </summary>
internal interface IPrefixComparer<T> : IComparer<T>
{
    /// <summary>
    /// A prefix function p with p(x) &lt; p(y) only if x sorts before or with y; equal prefixes say nothing.
    /// <c>null</c> when this comparer has none.
    /// </summary>
    Func<T, ulong>? PrefixFunction();
}

/// <summary>Sort prefixes for the comparers the engine knows: default orders of primitive types, ordinal strings, unsigned bytes.</summary>
internal static class SortPrefix<TKey>
{
    private static readonly Type s_defaultComparer = Comparer<TKey>.Default.GetType();
    private static readonly Func<TKey, ulong>? s_default = DefaultOrder();

    /// <summary>The prefix function for <paramref name="comparer"/> (compared by type: comparers travel to workers as copies), or <c>null</c>.</summary>
    public static Func<TKey, ulong>? For(IComparer<TKey> comparer)
    {
        var type = comparer.GetType();
        if (comparer is IPrefixComparer<TKey> prefixed)
        {
            return prefixed.PrefixFunction();
        }

        if (type == s_defaultComparer)
        {
            return s_default;
        }

        if (typeof(TKey) == typeof(byte[]) && type == typeof(ByteArrayComparer))
        {
            return (Func<TKey, ulong>)(object)(Func<byte[]?, ulong>)Bytes;
        }

        return typeof(TKey) == typeof(string) && type == StringComparer.Ordinal.GetType()
            ? (Func<TKey, ulong>)(object)(Func<string?, ulong>)OrdinalString
            : null;
    }

    // The first 8 bytes, big-endian, zero-padded: a shorter array that is a prefix of a longer one ties, and the
    // comparer decides.
    private static ulong Bytes(byte[]? value)
    {
        if (value is null)
        {
            return 0;
        }

        if (value.Length >= 8)
        {
            return BinaryPrimitives.ReadUInt64BigEndian(value);
        }

        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        value.CopyTo(padded);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    // The first 4 UTF-16 code units, which is what ordinal comparison compares first.
    private static ulong OrdinalString(string? value)
    {
        ulong prefix = 0;
        for (var i = 0; i < 4; i++)
        {
            prefix = (prefix << 16) | (value is not null && i < value.Length ? value[i] : 0u);
        }

        return prefix;
    }

    private static Func<TKey, ulong>? DefaultOrder()
    {
        object? prefix = typeof(TKey) switch
        {
            var t when t == typeof(long) => (Func<long, ulong>)(v => (ulong)v ^ (1UL << 63)),
            var t when t == typeof(int) => (Func<int, ulong>)(v => (ulong)(long)v ^ (1UL << 63)),
            var t when t == typeof(short) => (Func<short, ulong>)(v => (ulong)(long)v ^ (1UL << 63)),
            var t when t == typeof(sbyte) => (Func<sbyte, ulong>)(v => (ulong)(long)v ^ (1UL << 63)),
            var t when t == typeof(ulong) => (Func<ulong, ulong>)(v => v),
            var t when t == typeof(uint) => (Func<uint, ulong>)(v => v),
            var t when t == typeof(ushort) => (Func<ushort, ulong>)(v => v),
            var t when t == typeof(byte) => (Func<byte, ulong>)(v => v),
            var t when t == typeof(char) => (Func<char, ulong>)(v => v),
            var t when t == typeof(DateTime) => (Func<DateTime, ulong>)(v => (ulong)v.Ticks),
            var t when t == typeof(double) => (Func<double, ulong>)Double,
            var t when t == typeof(float) => (Func<float, ulong>)(v => Double(v)),
            _ => null,
        };
        return (Func<TKey, ulong>?)prefix;
    }

    // IEEE order as unsigned integers: negative numbers flipped, positive ones with the sign bit set. NaN sorts first
    // (as Comparer<double>.Default has it), and -0 ties with 0.
    private static ulong Double(double value)
    {
        if (double.IsNaN(value))
        {
            return 0;
        }

        var bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0d : value);
        return (bits & (1UL << 63)) != 0 ? ~bits : bits | (1UL << 63);
    }
}
