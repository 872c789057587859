using System.IO.Compression;
using System.Text;
using Dataflow.Execution;
using Dataflow.IO;

namespace Dataflow.Rdds;

/// <summary>
/// Whole files as (path, content) records, one per file. Files are listed when the partitions are first needed
/// and packed, in path order, into partitions of similar total size (at least <c>minPartitions</c> when there are
/// that many files), as Spark's <c>WholeTextFileInputFormat</c> packs them into combined splits.
/// </summary>
internal sealed class WholeTextFileRdd : Rdd<(string Path, string Content)>
{
    private readonly string _path;
    private readonly int _minPartitions;

    public WholeTextFileRdd(DataflowContext context, string path, int minPartitions, CallSite callSite)
        : base(context, [], callSite)
    {
        _path = path;
        _minPartitions = minPartitions;
    }

    protected override Partition[] GetPartitions()
    {
        var files = InputPaths.Expand(_path);
        var groups = Pack(files, _minPartitions);
        var partitions = new Partition[groups.Count];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = new FilesPartition(i, groups[i]);
        }

        return partitions;
    }

    protected internal override IEnumerable<(string Path, string Content)> Compute(Partition split, TaskContext context)
    {
        foreach (var file in ((FilesPartition)split).Files)
        {
            context.ThrowIfCancellationRequested();
            var bytes = Read(file, out var bytesRead);
            context.Metrics.BytesRead += bytesRead;
            context.Metrics.RecordsRead++;

            // Encoding.UTF8 replaces invalid bytes with U+FFFD and keeps a byte-order mark, as TextFile does.
            yield return (file, Encoding.UTF8.GetString(bytes));
        }
    }

    /// <summary>
    /// Splits the files, in order, into groups of about total / <paramref name="minPartitions"/> bytes (a group is
    /// closed once it reaches that size), and into at least <paramref name="minPartitions"/> groups when there are
    /// that many files.
    /// </summary>
    internal static List<string[]> Pack(IReadOnlyList<FileInfo> files, int minPartitions)
    {
        var groups = new List<string[]>();
        if (files.Count == 0)
        {
            return groups;
        }

        var total = files.Sum(InputPaths.LengthOf);
        var target = Math.Max(1, (long)Math.Ceiling((double)total / minPartitions));
        var wanted = Math.Min(minPartitions, files.Count);
        var current = new List<string>();
        long size = 0;
        for (var i = 0; i < files.Count; i++)
        {
            current.Add(files[i].FullName);
            size += InputPaths.LengthOf(files[i]);

            // Also close it when keeping it open could no longer leave a group for each remaining file that the
            // minimum partition count still needs (many small files after a big one).
            var remaining = files.Count - i - 1;
            if (size >= target || groups.Count + remaining < wanted)
            {
                groups.Add([.. current]);
                current.Clear();
                size = 0;
            }
        }

        if (current.Count > 0)
        {
            groups.Add([.. current]);
        }

        return groups;
    }

    private static byte[] Read(string path, out long bytesRead)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        bytesRead = file.Length;
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            return bytes;
        }

        // Compressed files are decompressed whole, as TextFile and Hadoop's codecs do.
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var content = new MemoryStream();
        gzip.CopyTo(content);
        return content.ToArray();
    }

    private sealed class FilesPartition(int index, string[] files) : Partition(index)
    {
        public string[] Files { get; } = files;

        public override string ToString() => $"{Files.Length} files from {Files[0]}";
    }
}
