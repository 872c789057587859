using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dataflow.Partitioning;

/// <summary>
/// A hash that is the same for equal values in every process and on every machine, for partitioning records
/// across executors. <see cref="string.GetHashCode()"/>, <see cref="HashCode"/> and <c>ValueTuple.GetHashCode</c>
/// are randomised per process, so two executors would send the same key to different partitions.
/// </summary>
/// <remarks>
/// <para>Covered directly: null (0); bool, every integer type, char and enums (all by their value as a 64-bit
/// integer, so <c>5</c>, <c>5L</c> and an enum member with value 5 agree); float and double (-0.0 and 0.0 agree,
/// every NaN agrees); decimal (1.0m and 1.00m agree); string (xxHash3 of the UTF-16 code units); Guid;
/// DateTime (ticks, ignoring Kind, as <see cref="DateTime.Equals(DateTime)"/> does); DateTimeOffset (UTC ticks);
/// DateOnly; TimeOnly; TimeSpan; <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/> and <see cref="Memory{T}"/> of
/// bytes (by content); <see cref="Nullable{T}"/>; value tuples (any arity) and <see cref="KeyValuePair{TKey, TValue}"/>
/// (combined in order with <see cref="Combine"/>); types implementing <see cref="IStableHashable"/>.
/// A value typed as <c>object</c> or a base class is hashed by its runtime type, so boxing does not change it.</para>
/// <para>Anything else is hashed through its MessagePack serialization (contractless resolver): stable, but it
/// allocates and is far slower, and it is only as deterministic as the serialization, so types holding
/// <see cref="Dictionary{TKey, TValue}"/> or <see cref="HashSet{T}"/> members should implement
/// <see cref="IStableHashable"/>.</para>
/// <para>The values are part of the shuffle contract: changing them changes which partition each key lands in.</para>
/// </remarks>
public static class StableHash
{
    private const uint Seed = 17;

    /// <summary>The stable hash of <paramref name="value"/>; 0 for null.</summary>
    /// <typeparam name="T">The static type; a hasher is chosen once per type.</typeparam>
    /// <param name="value">The value to hash.</param>
    /// <returns>The same number in every process for equal values.</returns>
    /// <exception cref="NotSupportedException">The type has no direct hasher and MessagePack cannot serialize it.</exception>
    public static int Of<T>(T value)
    {
        // These checks fold away when T is a value type; the common key types skip the delegate call.
        if (typeof(T) == typeof(int))
        {
            return Int64(Unsafe.As<T, int>(ref value));
        }

        if (typeof(T) == typeof(long))
        {
            return Int64(Unsafe.As<T, long>(ref value));
        }

        return StableHash<T>.Compute(value);
    }

    /// <summary>The hash of a string's characters; <c>String(s.AsSpan()) == Of(s)</c> for every non-null <c>s</c>.</summary>
    /// <param name="chars">The characters, e.g. a slice of a line, hashed without allocating.</param>
    /// <returns>The stable hash.</returns>
    public static int String(ReadOnlySpan<char> chars)
    {
        if (BitConverter.IsLittleEndian)
        {
            return Fold(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(chars)));
        }

        // Big-endian machines hash the same little-endian bytes, so the value does not depend on the machine.
        var buffer = ArrayPool<byte>.Shared.Rent(chars.Length * 2);
        try
        {
            for (var i = 0; i < chars.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(i * 2), chars[i]);
            }

            return Fold(XxHash3.HashToUInt64(buffer.AsSpan(0, chars.Length * 2)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The hash of a byte sequence by content; equals <c>Of(bytes.ToArray())</c>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The stable hash.</returns>
    public static int Bytes(ReadOnlySpan<byte> bytes) => Fold(XxHash3.HashToUInt64(bytes));

    /// <summary>
    /// Combines two stable hashes in order (<c>h = h * 31 + x</c>, then an avalanche).
    /// <c>Of((a, b)) == Combine(Of(a), Of(b))</c>, and <see cref="KeyValuePair{TKey, TValue}"/> hashes the same way.
    /// </summary>
    /// <param name="first">The first hash.</param>
    /// <param name="second">The second hash.</param>
    /// <returns>A hash that depends on both and on their order.</returns>
    public static int Combine(int first, int second) => Finish(Step(Step(Seed, first), second));

    internal static uint Start => Seed;

    internal static uint Step(uint hash, int next) => unchecked((hash * 31) + (uint)next);

    /// <summary>Murmur3's 32-bit finaliser, so that sums of small hashes still spread over the buckets.</summary>
    internal static int Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return unchecked((int)h);
    }

    /// <summary>Murmur3's 64-bit finaliser folded to 32 bits; every integer type goes through here.</summary>
    internal static int Int64(long value)
    {
        var k = unchecked((ulong)value);
        k ^= k >> 33;
        k *= 0xFF51AFD7ED558CCD;
        k ^= k >> 33;
        k *= 0xC4CEB9FE1A85EC53;
        k ^= k >> 33;
        return Fold(k);
    }

    internal static int Double(double value)
    {
        // -0.0 == 0.0 and NaN payloads vary; map both to one representative before taking the bits.
        var normal = value == 0 ? 0.0 : double.IsNaN(value) ? double.NaN : value;
        return Int64(BitConverter.DoubleToInt64Bits(normal));
    }

    internal static int Decimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        if (mantissa == 0)
        {
            return Int64(0);
        }

        // 1.0m and 1.00m are equal but differ in scale; strip trailing zeros first.
        var scale = (bits[3] >> 16) & 0xFF;
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        var h = Step(Step(Start, Int64((long)(ulong)mantissa)), (int)(ulong)(mantissa >> 64));
        return Finish(Step(h, scale | (bits[3] & int.MinValue)));
    }

    internal static int Guid(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        return Bytes(bytes);
    }

    private static int Fold(ulong hash) => unchecked((int)(hash ^ (hash >> 32)));
}
