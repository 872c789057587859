using Dataflow.Execution;
using Dataflow.IO;

namespace Dataflow.Rdds;

/// <summary>
/// The lines of text files, one partition per byte-range split (a <c>.gz</c> file is one split). A line belongs to
/// the split in which it starts, so every line is read exactly once whatever the split boundaries.
/// </summary>
internal sealed class TextFileRdd : Rdd<string>
{
    private readonly string _path;
    private readonly int _minPartitions;

    public TextFileRdd(DataflowContext context, string path, int minPartitions, CallSite callSite)
        : base(context, [], callSite)
    {
        _path = path;
        _minPartitions = minPartitions;
    }

    protected override Partition[] GetPartitions()
    {
        var splits = TextSplitter.Compute(InputPaths.Expand(_path), _minPartitions);
        var partitions = new Partition[splits.Count];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = new SplitPartition(i, splits[i]);
        }

        return partitions;
    }

    protected internal override IEnumerable<string> Compute(Partition split, TaskContext context)
    {
        var textSplit = ((SplitPartition)split).Split;
        using var reader = LineReader.Open(textSplit);
        long lines = 0;
        try
        {
            foreach (var line in reader.EnumerateLines(context.CancellationToken))
            {
                lines++;
                yield return line;
            }
        }
        finally
        {
            context.Metrics.RecordsRead += lines;
            context.Metrics.BytesRead += reader.BytesRead;
        }
    }

    private sealed class SplitPartition(int index, TextSplit split) : Partition(index)
    {
        public TextSplit Split { get; } = split;

        public override string ToString() => $"{Split.Path}:{Split.Start}+{Split.Length}";
    }
}
