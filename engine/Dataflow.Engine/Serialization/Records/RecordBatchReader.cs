using MessagePack;

namespace Dataflow.Serialization.Records;

/// <summary>Reads the frames written by <see cref="RecordBatchWriter{T}"/>.</summary>
internal static class RecordBatchReader
{
    /// <summary>
    /// Yields the records of <paramref name="length"/> bytes of frames from <paramref name="input"/>, one frame's
    /// bytes in memory at a time (records are decoded one by one from it); <paramref name="onFrame"/> is told the
    /// stored bytes and records of each frame (for metrics).
    /// </summary>
    /// <exception cref="InvalidDataException">A frame is corrupt or truncated, or the frames do not add up to
    /// <paramref name="length"/>; the message names <paramref name="source"/>.</exception>
    public static IEnumerable<T> Read<T>(Stream input, long length, string source, Action<long, long>? onFrame = null)
    {
        var formatter = RecordSerializer.Formatter<T>();
        long consumed = 0;
        while (consumed < length)
        {
            if (!FrameCodec.TryRead(input, source, consumed, out var frame))
            {
                throw new InvalidDataException($"Corrupt data in {source}: truncated after {consumed} of {length} bytes.");
            }

            using (frame)
            {
                consumed += frame.StoredBytes;
                if (consumed > length)
                {
                    throw new InvalidDataException($"Corrupt data in {source}: a frame ends at byte {consumed}, past the block's {length} bytes.");
                }

                onFrame?.Invoke(frame.StoredBytes, frame.Count);
                var offset = 0;
                for (var i = 0; i < frame.Count; i++)
                {
                    yield return Decode(formatter, frame, ref offset, source);
                }

                if (offset != frame.Length)
                {
                    throw new InvalidDataException($"Corrupt data in {source}: a frame holds {frame.Length} bytes but its {frame.Count} records use {offset}.");
                }
            }
        }
    }

    // A MessagePackReader is a ref struct and cannot live across a yield, so each record gets one over the rest of the frame.
    private static T Decode<T>(MessagePack.Formatters.IMessagePackFormatter<T> formatter, FrameCodec.Frame frame, ref int offset, string source)
    {
        if (offset >= frame.Length)
        {
            throw new InvalidDataException($"Corrupt data in {source}: a frame claims {frame.Count} records but ends early.");
        }

        var reader = new MessagePackReader(frame.Payload[offset..]);
        var record = formatter.Deserialize(ref reader, RecordSerializer.Options);
        offset += (int)reader.Consumed;
        return record;
    }
}
