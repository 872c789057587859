namespace Dataflow.IO;

/// <summary>
/// Cuts input files into <see cref="TextSplit"/>s, one per task, as Hadoop's <c>FileInputFormat.getSplits</c>
/// does for Spark's <c>textFile</c>.
/// </summary>
/// <remarks>
/// The goal size is the total size divided by <c>minPartitions</c>; the split size is that goal clamped
/// to [<c>minSplitBytes</c>, <c>maxSplitBytes</c>] (the lower bound wins, as in Hadoop). A file is cut into
/// split-size pieces while more than 1.1 split sizes remain, so the last piece may be up to 10% larger
/// instead of leaving a tiny tail task. Gzip files are one whole-file split. Empty files produce no split:
/// they hold no lines, and a directory of only empty files becomes an empty dataset rather than an error.
/// </remarks>
internal static class TextSplitter
{
    /// <summary>How much larger than the split size the last split of a file may be (Hadoop's SPLIT_SLOP).</summary>
    public const double SplitSlop = 1.1;

    /// <summary>The default upper bound of a split, Hadoop's default block size.</summary>
    public const long DefaultMaxSplitBytes = 128L << 20;

    /// <summary>Computes the splits of <paramref name="files"/>, in file order then offset order.</summary>
    /// <param name="files">The files to read, as <see cref="InputPaths.Expand"/> lists them.</param>
    /// <param name="minPartitions">The least number of splits wanted (more result from large files); at least 1.</param>
    /// <param name="maxSplitBytes">The largest split (Hadoop's block size); at least 1.</param>
    /// <param name="minSplitBytes">The smallest split (Hadoop's <c>mapreduce.input.fileinputformat.split.minsize</c>); at least 1.</param>
    public static IReadOnlyList<TextSplit> Compute(
        IReadOnlyList<FileInfo> files,
        int minPartitions,
        long maxSplitBytes = DefaultMaxSplitBytes,
        long minSplitBytes = 1)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPartitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSplitBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSplitBytes, 1);

        var lengths = new long[files.Count];
        long total = 0;
        for (int i = 0; i < files.Count; i++)
        {
            // FileInfo caches its length from whenever it was first asked; the split must match the file now.
            files[i].Refresh();
            lengths[i] = InputPaths.LengthOf(files[i]);
            total += lengths[i];
        }

        long goal = total / minPartitions;
        long splitSize = Math.Max(minSplitBytes, Math.Min(goal, maxSplitBytes));

        var splits = new List<TextSplit>();
        for (int i = 0; i < files.Count; i++)
        {
            string path = files[i].FullName;
            long length = lengths[i];
            if (length == 0)
            {
                continue;
            }

            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                splits.Add(new TextSplit(path, 0, length, IsWholeFile: true));
                continue;
            }

            long remaining = length;
            while ((double)remaining / splitSize > SplitSlop)
            {
                splits.Add(new TextSplit(path, length - remaining, splitSize, IsWholeFile: false));
                remaining -= splitSize;
            }

            splits.Add(new TextSplit(path, length - remaining, remaining, IsWholeFile: false));
        }

        return splits;
    }
}
