using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;

namespace Dataflow.Serialization.Records;

/// <summary>
/// The frame format of shuffle blocks and spill files: a 24-byte header
/// <c>[int32 stored bytes][int32 raw bytes][int32 record count][int32 codec][uint64 checksum]</c> followed by the
/// payload, LZ4-compressed (codec 1) or not (codec 0, also used when compression would not shrink the frame).
/// The checksum is XxHash64 over the first 16 header bytes and the stored payload, so a flipped bit anywhere,
/// a torn length or a truncated frame is detected before a single record is decoded.
/// </summary>
internal static class FrameCodec
{
    public const int HeaderBytes = 24;

    // Writers cut frames at ~64 KiB; anything far larger is a corrupt length, not a frame.
    private const int MaxFrameBytes = 64 * 1024 * 1024;
    private const int CodecNone = 0;
    private const int CodecLz4 = 1;

    /// <summary>Writes <paramref name="raw"/> as one frame.</summary>
    /// <returns>The bytes written, header included.</returns>
    public static int Write(Stream output, ReadOnlySpan<byte> raw, int recordCount, bool compress)
    {
        byte[]? compressed = null;
        try
        {
            var payload = raw;
            var codec = CodecNone;
            if (compress && raw.Length > 0)
            {
                compressed = ArrayPool<byte>.Shared.Rent(LZ4Codec.MaximumOutputSize(raw.Length));
                var length = LZ4Codec.Encode(raw, compressed, LZ4Level.L00_FAST);
                if (length > 0 && length < raw.Length)
                {
                    payload = compressed.AsSpan(0, length);
                    codec = CodecLz4;
                }
            }

            Span<byte> header = stackalloc byte[HeaderBytes];
            BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], raw.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], recordCount);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], codec);
            BinaryPrimitives.WriteUInt64LittleEndian(header[16..], Checksum(header[..16], payload));
            output.Write(header);
            output.Write(payload);
            return HeaderBytes + payload.Length;
        }
        finally
        {
            if (compressed is not null)
            {
                ArrayPool<byte>.Shared.Return(compressed);
            }
        }
    }

    /// <summary>
    /// Reads the next frame of <paramref name="input"/> into a pooled buffer (return it with
    /// <see cref="Frame.Dispose"/>). Returns false at a clean end (no byte left where a header would start).
    /// </summary>
    /// <exception cref="InvalidDataException">The frame is truncated, its header is impossible, its checksum does not
    /// match or it does not decompress to its stated size; the message names <paramref name="source"/> and the offset.</exception>
    public static bool TryRead(Stream input, string source, long offset, out Frame frame)
    {
        frame = default;
        Span<byte> header = stackalloc byte[HeaderBytes];
        var got = input.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        if (got == 0)
        {
            return false;
        }

        if (got < HeaderBytes)
        {
            throw Corrupt(source, offset, $"truncated frame header ({got} of {HeaderBytes} bytes)");
        }

        var stored = BinaryPrimitives.ReadInt32LittleEndian(header);
        var raw = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var codec = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (stored < 0 || raw < 0 || count < 0 || stored > MaxFrameBytes || raw > MaxFrameBytes
            || codec is not (CodecNone or CodecLz4) || (codec == CodecNone && stored != raw))
        {
            throw Corrupt(source, offset, $"impossible frame header (stored {stored}, raw {raw}, records {count}, codec {codec})");
        }

        var payload = ArrayPool<byte>.Shared.Rent(Math.Max(stored, 1));
        var keep = false;
        try
        {
            var read = input.ReadAtLeast(payload.AsSpan(0, stored), stored, throwOnEndOfStream: false);
            if (read < stored)
            {
                throw Corrupt(source, offset, $"truncated frame ({read} of {stored} payload bytes)");
            }

            if (Checksum(header[..16], payload.AsSpan(0, stored)) != BinaryPrimitives.ReadUInt64LittleEndian(header[16..]))
            {
                throw Corrupt(source, offset, "checksum mismatch");
            }

            if (codec == CodecNone)
            {
                keep = true;
                frame = new Frame(payload, raw, count, HeaderBytes + stored);
                return true;
            }

            var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(raw, 1));
            if (LZ4Codec.Decode(payload.AsSpan(0, stored), decoded.AsSpan(0, raw)) != raw)
            {
                ArrayPool<byte>.Shared.Return(decoded);
                throw Corrupt(source, offset, "frame does not decompress to its stated size");
            }

            frame = new Frame(decoded, raw, count, HeaderBytes + stored);
            return true;
        }
        finally
        {
            if (!keep)
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }

    private static ulong Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var hash = new XxHash64();
        hash.Append(header);
        hash.Append(payload);
        return hash.GetCurrentHashAsUInt64();
    }

    private static InvalidDataException Corrupt(string source, long offset, string what) =>
        new($"Corrupt data in {source} at byte {offset}: {what}.");

    /// <summary>A decoded frame: <see cref="Length"/> raw bytes in a pooled <see cref="Buffer"/>.</summary>
    internal readonly record struct Frame(byte[] Buffer, int Length, int Count, int StoredBytes) : IDisposable
    {
        public ReadOnlyMemory<byte> Payload => Buffer.AsMemory(0, Length);

        public void Dispose()
        {
            if (Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
