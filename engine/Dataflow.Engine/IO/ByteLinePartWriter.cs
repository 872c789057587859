using System.Buffers;

namespace Dataflow.IO;

/// <summary>
/// Writes byte-array records as lines: each record's bytes exactly as they are, then <c>\n</c>. Nothing is encoded,
/// so raw lines read with <c>ByteLines</c> are written back byte for byte.
/// </summary>
internal static class ByteLinePartWriter
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Writes <paramref name="records"/> to <paramref name="output"/> and flushes it; does not close it.</summary>
    /// <param name="output">The part file's stream, from <see cref="OutputCommitter.CreateTaskOutput"/>.</param>
    /// <param name="records">The partition's records.</param>
    /// <param name="token">Checked before every record.</param>
    /// <returns>Bytes and records written, for the task's output metrics.</returns>
    /// <exception cref="InvalidOperationException">A record is <c>null</c>: it has no bytes to write.</exception>
    public static (long BytesWritten, long RecordsWritten) Write(Stream output, IEnumerable<byte[]> records, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long bytes = 0;
            long count = 0;
            int used = 0;
            foreach (var record in records)
            {
                token.ThrowIfCancellationRequested();
                if (record is null)
                {
                    throw new InvalidOperationException(
                        $"Record {count} of the partition is null; a byte line must be an array (use an empty one for an empty line).");
                }

                if (record.Length + 1 > buffer.Length - used)
                {
                    output.Write(buffer, 0, used);
                    used = 0;
                    if (record.Length + 1 > buffer.Length)
                    {
                        // Longer than the chunk: write it straight through rather than growing the buffer.
                        output.Write(record);
                        output.WriteByte((byte)'\n');
                        bytes += record.Length + 1L;
                        count++;
                        continue;
                    }
                }

                record.CopyTo(buffer, used);
                buffer[used + record.Length] = (byte)'\n';
                used += record.Length + 1;
                bytes += record.Length + 1L;
                count++;
            }

            output.Write(buffer, 0, used);
            output.Flush();
            return (bytes, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
