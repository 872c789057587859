using System.Buffers.Binary;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// The compact binary form of pushes and pulls: only the keys touched, strictly ascending and delta-encoded as
/// unsigned LEB128 varints (the first key absolute), and values as little-endian float32. Messages are cut into
/// chunks of at most <see cref="MaxChunkBytes"/> so each fits one cluster message.
/// </summary>
/// <remarks>
/// <para>Keys: <c>[count][first key][key₂ − key₁] … [keyₙ − keyₙ₋₁]</c>, every number a varint. A push appends one
/// float32 gradient per key. A pull reply is <c>[reflected clock][wait ticks][blocked: 0|1]</c> (varints) followed by
/// one float32 value per requested key, in the request's order.</para>
/// <para>ps-lite's KVWorker sends sorted keys and values the same way (<c>include/ps/kv_app.h</c>); the varint
/// deltas halve the key bytes of dense ranges.</para>
/// </remarks>
public static class PsWire
{
    /// <summary>The largest chunk: the cluster's message limit for bulk data (4 MiB, <c>ClusterLimits.ChunkBytes</c>).</summary>
    public const int MaxChunkBytes = 4 * 1024 * 1024;

    // Worst case per key: a 5-byte varint and a 4-byte value; the header takes at most 10 bytes of varints.
    private const int MaxBytesPerKey = 9;
    private const int HeaderBytes = 16;

    /// <summary>The most keys one chunk of at most <paramref name="maxChunkBytes"/> bytes can carry with their values.</summary>
    public static int KeysPerChunk(int maxChunkBytes = MaxChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkBytes, HeaderBytes + MaxBytesPerKey);
        return (maxChunkBytes - HeaderBytes) / MaxBytesPerKey;
    }

    /// <summary>Encodes strictly ascending non-negative <paramref name="keys"/> (a pull request chunk).</summary>
    public static byte[] EncodeKeys(ReadOnlySpan<int> keys)
    {
        var buffer = new byte[HeaderBytes + (keys.Length * 5)];
        var n = WriteKeys(buffer, keys);
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Encodes a push chunk: the keys, then one float32 gradient per key.</summary>
    public static byte[] EncodePush(ReadOnlySpan<int> keys, ReadOnlySpan<double> gradients)
    {
        if (gradients.Length != keys.Length)
        {
            throw new ArgumentException($"A push needs one gradient per key: {keys.Length} keys, {gradients.Length} gradients.", nameof(gradients));
        }

        var buffer = new byte[HeaderBytes + (keys.Length * MaxBytesPerKey)];
        var n = WriteKeys(buffer, keys);
        foreach (var g in gradients)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(n), (float)g);
            n += 4;
        }

        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Decodes the keys of a request or push chunk; <paramref name="consumed"/> is where the values start.</summary>
    /// <exception cref="FormatException">Truncated or non-ascending keys.</exception>
    public static int[] DecodeKeys(ReadOnlySpan<byte> message, out int consumed)
    {
        var position = 0;
        var count = ReadInt(message, ref position);
        var keys = new int[count];
        var key = -1L;
        for (var i = 0; i < count; i++)
        {
            var delta = ReadInt(message, ref position);
            if (i > 0 && delta == 0)
            {
                throw new FormatException($"Parameter-server message: key {i} repeats key {key}; keys must be strictly ascending.");
            }

            key = i == 0 ? delta : key + delta;
            if (key > int.MaxValue)
            {
                throw new FormatException("Parameter-server message: a key is beyond the largest int.");
            }

            keys[i] = (int)key;
        }

        consumed = position;
        return keys;
    }

    /// <summary>Decodes a push chunk into its keys and (widened) gradients.</summary>
    public static (int[] Keys, double[] Gradients) DecodePush(ReadOnlySpan<byte> message)
    {
        var keys = DecodeKeys(message, out var position);
        if (message.Length - position != keys.Length * 4)
        {
            throw new FormatException($"Parameter-server push: {keys.Length} keys need {keys.Length * 4} value bytes, got {message.Length - position}.");
        }

        var gradients = new double[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            gradients[i] = BinaryPrimitives.ReadSingleLittleEndian(message[(position + (4 * i))..]);
        }

        return (keys, gradients);
    }

    /// <summary>Encodes a pull reply: the clock the values reflect, the time the read waited, and the values as float32.</summary>
    public static byte[] EncodeReply(PullReply reply, ReadOnlySpan<double> values)
    {
        var buffer = new byte[HeaderBytes + 10 + (values.Length * 4)];
        var n = 0;
        WriteVarint(buffer, ref n, (ulong)reply.ReflectedClock);
        WriteVarint(buffer, ref n, (ulong)reply.WaitTicks);
        buffer[n++] = reply.Blocked ? (byte)1 : (byte)0;
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(n), (float)v);
            n += 4;
        }

        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Decodes a pull reply of <paramref name="values"/>.Length values into <paramref name="values"/>.</summary>
    public static PullReply DecodeReply(ReadOnlySpan<byte> message, Span<double> values)
    {
        var position = 0;
        var reflected = ReadInt(message, ref position);
        var ticks = (long)ReadVarint(message, ref position);
        if (position >= message.Length)
        {
            throw new FormatException("Parameter-server reply: truncated header.");
        }

        var blocked = message[position++] != 0;
        if (message.Length - position != values.Length * 4)
        {
            throw new FormatException($"Parameter-server reply: {values.Length} values need {values.Length * 4} bytes, got {message.Length - position}.");
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(message[(position + (4 * i))..]);
        }

        return new PullReply(reflected, ticks, blocked);
    }

    private static int WriteKeys(Span<byte> buffer, ReadOnlySpan<int> keys)
    {
        var n = 0;
        WriteVarint(buffer, ref n, (ulong)keys.Length);
        var previous = -1;
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            if (key < 0 || key <= previous)
            {
                throw new ArgumentException(key < 0
                    ? $"Parameter-server keys are ≥ 0, got {key}."
                    : $"Parameter-server keys must be strictly ascending: {key} follows {previous}.", nameof(keys));
            }

            WriteVarint(buffer, ref n, (ulong)(i == 0 ? key : key - previous));
            previous = key;
        }

        return n;
    }

    private static void WriteVarint(Span<byte> buffer, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[position++] = (byte)value;
    }

    private static int ReadInt(ReadOnlySpan<byte> message, ref int position)
    {
        var value = ReadVarint(message, ref position);
        return value <= int.MaxValue ? (int)value : throw new FormatException("Parameter-server message: a number is beyond the largest int.");
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw new FormatException("Parameter-server message: truncated varint.");
            }

            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Parameter-server message: varint longer than 10 bytes.");
    }
}
