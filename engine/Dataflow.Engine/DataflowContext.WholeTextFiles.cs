using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public sealed partial class DataflowContext
{
    /// <summary>
    /// Whole text files as (path, content) records, one per file, for inputs where a file is the unit (documents,
    /// small JSON files, ...): a file, every file of a directory, or every file matching a glob, with names starting
    /// with <c>_</c> or <c>.</c> skipped, as <see cref="TextFile"/>. Paths are absolute; content is UTF-8 with invalid
    /// bytes read as U+FFFD; a <c>.gz</c> file is decompressed. Files are packed into at least
    /// <paramref name="minPartitions"/> partitions of similar total size (default: as <see cref="TextFile"/>), and
    /// each file is read whole into memory by its task.
    /// </summary>
    /// <example><code>var sizes = ctx.WholeTextFiles("docs/*.md").Select(f => (f.Path, f.Content.Length));</code></example>
    /// <remarks>Spark: wholeTextFiles</remarks>
    public Rdd<(string Path, string Content)> WholeTextFiles(string path, int? minPartitions = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var partitions = minPartitions ?? Math.Min(DefaultParallelism, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions, nameof(minPartitions));
        return new WholeTextFileRdd(this, Path.GetFullPath(path), partitions, new CallSite(nameof(WholeTextFiles), callerFile, callerLine));
    }
}
