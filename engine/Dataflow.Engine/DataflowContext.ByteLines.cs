using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public sealed partial class DataflowContext
{
    /// <summary>
    /// The lines of a file, directory or glob as raw bytes, found and split exactly as <see cref="TextFile"/> does
    /// (names starting with <c>_</c> or <c>.</c> skipped, <c>.gz</c> read whole). A line is the bytes between two
    /// <c>\n</c>, without the <c>\n</c>; nothing is decoded, so invalid UTF-8 and a <c>\r</c> before the <c>\n</c> come
    /// through unchanged. The text after the last <c>\n</c> is a line when it is not empty.
    /// </summary>
    /// <example><code>
    /// var sorted = ctx.ByteLines("in/").OrderBy(line => line, ByteArrayComparer.Instance);
    /// await sorted.SaveAsByteLinesAsync("out/");
    /// </code></example>
    /// <remarks>Spark: textFile (of Hadoop Text records, undecoded)</remarks>
    public Rdd<byte[]> ByteLines(string path, int? minPartitions = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var partitions = minPartitions ?? Math.Min(DefaultParallelism, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions, nameof(minPartitions));
        return new ByteLinesRdd(this, Path.GetFullPath(path), partitions, new CallSite(nameof(ByteLines), callerFile, callerLine));
    }
}
