namespace Dataflow.IO;

/// <summary>
/// Writes byte-array records as lines: each record's bytes exactly as they are, then <c>\n</c>. Nothing is encoded,
/// so raw lines read with <c>ByteLines</c> are written back byte for byte.
/// </summary>
internal static class ByteLinePartWriter
{
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
        using var writer = new LineChunkWriter(output);
        foreach (var record in records)
        {
            token.ThrowIfCancellationRequested();
            if (record is null)
            {
                throw new InvalidOperationException(
                    $"Record {writer.LinesWritten} of the partition is null; a byte line must be an array (use an empty one for an empty line).");
            }

            writer.WriteLine(record);
        }

        writer.Flush();
        return (writer.BytesWritten, writer.LinesWritten);
    }
}
