using System.Globalization;

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
        try
        {
            using var writer = new LineChunkWriter(output);
            foreach (T record in records)
            {
                token.ThrowIfCancellationRequested();
                writer.WriteLine(Format(record));
            }

            writer.Flush();
            return (writer.BytesWritten, writer.LinesWritten);
        }
        finally
        {
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
}
