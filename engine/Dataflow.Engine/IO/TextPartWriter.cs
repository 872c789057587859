using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dataflow.IO;

/// <summary>
/// Writes records as text lines: UTF-8 without a byte-order mark, each line ended by <c>\n</c>.
/// </summary>
/// <remarks>
/// Like Spark's <c>saveAsTextFile</c>, a record becomes its <c>ToString()</c> and <see langword="null"/> becomes
/// the line <c>null</c>. Formatting uses the invariant culture, so the same data gives the same bytes on every
/// machine: <see cref="IFormattable"/> records are formatted with it directly, and the whole write (including
/// the lazy operators that produce the records) runs with it as the current culture, which
/// covers tuples and records whose <c>ToString()</c> formats numbers inside. A string containing <c>\n</c> is
/// written as is and reads back as several lines, as in Spark.
/// </remarks>
internal static class TextPartWriter
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Writes <paramref name="records"/> to <paramref name="output"/> and flushes it; does not close it.</summary>
    /// <param name="output">The part file's stream, from <see cref="OutputCommitter.CreateTaskOutput"/>.</param>
    /// <param name="records">The partition's records.</param>
    /// <param name="token">Checked before every record.</param>
    /// <returns>Bytes and records written, for the task's output metrics.</returns>
    public static (long BytesWritten, long RecordsWritten) Write<T>(
        Stream output, IEnumerable<T> records, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);

        var savedCulture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long bytes = 0;
            long count = 0;
            int used = 0;
            foreach (T record in records)
            {
                token.ThrowIfCancellationRequested();
                string line = Format(record);
                // UTF-8 needs at most 3 bytes per UTF-16 char (+1 for a dangling surrogate), plus the '\n'.
                long worstCase = ((line.Length + 1L) * 3) + 1;
                if (worstCase > buffer.Length - used)
                {
                    output.Write(buffer, 0, used);
                    used = 0;
                    if (worstCase > buffer.Length)
                    {
                        bytes += WriteLong(output, line);
                        count++;
                        continue;
                    }
                }

                int encoded = Encoding.UTF8.GetBytes(line, buffer.AsSpan(used));
                buffer[used + encoded] = (byte)'\n';
                used += encoded + 1;
                bytes += encoded + 1;
                count++;
            }

            output.Write(buffer, 0, used);
            output.Flush();
            return (bytes, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            CultureInfo.CurrentCulture = savedCulture;
        }
    }

    private static string Format<T>(T record) => record switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => record.ToString() ?? "null",
    };

    private static int WriteLong(Stream output, string line)
    {
        int length = Encoding.UTF8.GetByteCount(line) + 1;
        byte[] big = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encoding.UTF8.GetBytes(line, big);
            big[length - 1] = (byte)'\n';
            output.Write(big, 0, length);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(big);
        }
    }
}
