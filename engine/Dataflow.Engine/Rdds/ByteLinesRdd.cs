using Dataflow.Execution;
using Dataflow.IO;

namespace Dataflow.Rdds;

/// <summary>
/// The lines of files as raw bytes, split exactly as <see cref="TextFileRdd"/> splits them: a line is the bytes
/// between two <c>\n</c>, with nothing decoded, replaced or stripped (a <c>\r</c> before the <c>\n</c> stays).
/// </summary>
internal sealed class ByteLinesRdd : Rdd<byte[]>
{
    private readonly string _path;
    private readonly int _minPartitions;

    public ByteLinesRdd(DataflowContext context, string path, int minPartitions, CallSite callSite)
        : base(context, [], callSite)
    {
        _path = path;
        _minPartitions = minPartitions;
    }

    protected override Partition[] GetPartitions() => FileSplitPartition.Create(_path, _minPartitions);

    protected internal override IEnumerable<byte[]> Compute(Partition split, TaskContext context)
    {
        using var reader = LineReader.Open(((FileSplitPartition)split).Split, stripCarriageReturn: false);
        long lines = 0;
        try
        {
            while (true)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                // The span is only valid until the next read, so each line gets its own array.
                if (!reader.TryReadLineBytes(out var line))
                {
                    yield break;
                }

                var bytes = line.ToArray();
                lines++;
                yield return bytes;
            }
        }
        finally
        {
            context.Metrics.RecordsRead += lines;
            context.Metrics.BytesRead += reader.BytesRead;
        }
    }
}
