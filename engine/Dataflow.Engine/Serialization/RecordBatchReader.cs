using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace Dataflow.Serialization;

/// <summary>Reads the frames written by <see cref="RecordBatchWriter{T}"/>.</summary>
internal static class RecordBatchReader
{
    /// <summary>
    /// Yields the records of <paramref name="length"/> bytes of frames from <paramref name="input"/>;
    /// <paramref name="onFrame"/> is told the bytes and records of each frame (for metrics).
    /// </summary>
    public static IEnumerable<T> Read<T>(Stream input, long length, string source, Action<long, long>? onFrame = null)
    {
        var formatter = RecordSerializer.Formatter<T>();
        var header = new byte[8];
        long consumed = 0;
        while (consumed < length)
        {
            input.ReadExactly(header);
            var bytes = BinaryPrimitives.ReadInt32LittleEndian(header);
            var count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (bytes < 0 || count < 0 || consumed + 8 + bytes > length)
            {
                throw new InvalidDataException($"Corrupt record frame in {source} at byte {consumed}: length {bytes}, count {count}.");
            }

            var payload = ArrayPool<byte>.Shared.Rent(bytes);
            try
            {
                input.ReadExactly(payload, 0, bytes);
                var records = new T[count];
                var reader = new MessagePackReader(new ReadOnlyMemory<byte>(payload, 0, bytes));
                for (var i = 0; i < count; i++)
                {
                    records[i] = formatter.Deserialize(ref reader, RecordSerializer.Options);
                }

                consumed += 8 + bytes;
                onFrame?.Invoke(8 + bytes, count);
                foreach (var record in records)
                {
                    yield return record;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }
}
