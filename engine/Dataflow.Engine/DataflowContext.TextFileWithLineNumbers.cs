using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public sealed partial class DataflowContext
{
    /// <summary>
    /// The lines of a file, directory or glob as <see cref="TextFile"/> reads them, each with its file's full path and
    /// its 1-based line number within that file, so that a bad record can be reported as <c>file:line</c>. When a
    /// file is read as several splits, the first action first runs a small job that counts the lines of all but the
    /// last split of each such file (scanning bytes, not decoding); building the RDD runs nothing.
    /// </summary>
    /// <example><code>
    /// var edges = ctx.TextFileWithLineNumbers("graph.txt").Select(r => r.Text.Split(' ') is [var a, var b]
    ///     ? (a, b) : throw new BadInputException(r.File, r.Line, "expected two fields"));
    /// </code></example>
    /// <remarks>Spark: textFile with zipWithIndex per file</remarks>
    public Rdd<(string File, long Line, string Text)> TextFileWithLineNumbers(string path, int? minPartitions = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var partitions = minPartitions ?? Math.Min(DefaultParallelism, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions, nameof(minPartitions));
        return new NumberedTextFileRdd(this, Path.GetFullPath(path), partitions,
            new CallSite(nameof(TextFileWithLineNumbers), callerFile, callerLine));
    }
}
