using Dataflow.Execution;
using Dataflow.IO;
using Dataflow.Scheduling;

namespace Dataflow.Rdds;

/// <summary>
/// The lines of text files (as <see cref="TextFileRdd"/> reads them) with their file and 1-based line number within
/// that file. A split that does not start its file needs the number of lines before it, which only reading the
/// earlier splits can tell; so, as <see cref="ZipWithIndexRdd{T}"/> does, the scheduler prepares this RDD with a job
/// that counts the lines of every split followed by another split of the same file, just before the first job that
/// reads it. Counting scans bytes for <c>\n</c> without decoding. A file read as one split (a small file, a
/// <c>.gz</c>) needs no count, so most inputs cost no extra job at all.
/// </summary>
internal sealed class NumberedTextFileRdd : Rdd<(string File, long Line, string Text)>, IRequiresPreparation
{
    private readonly string _path;
    private readonly int _minPartitions;
    private readonly Lock _lock = new();
    private long[]? _firstLines;

    public NumberedTextFileRdd(DataflowContext context, string path, int minPartitions, CallSite callSite)
        : base(context, [], callSite)
    {
        _path = path;
        _minPartitions = minPartitions;
    }

    bool IRequiresPreparation.IsPrepared => Volatile.Read(ref _firstLines) is not null;

    async Task IRequiresPreparation.PrepareAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _firstLines) is not null)
        {
            return;
        }

        var partitions = Partitions;
        var counted = Enumerable.Range(0, Math.Max(0, partitions.Count - 1))
            .Where(i => SameFile(partitions[i], partitions[i + 1]))
            .ToArray();
        var counts = new long[partitions.Count];
        if (counted.Length > 0)
        {
            var counter = new LineCountRdd(Context, partitions, CallSite with { Operation = $"{CallSite.Operation} (count lines)" });
            await Context.RunJobAsync(counter, static (_, items) => items.Sum(), counted, (p, n) => counts[p] = n,
                counter.CallSite, cancellationToken).ConfigureAwait(false);
        }

        var firstLines = new long[partitions.Count];
        for (var i = 0; i < firstLines.Length; i++)
        {
            firstLines[i] = i > 0 && SameFile(partitions[i - 1], partitions[i]) ? firstLines[i - 1] + counts[i - 1] : 1;
        }

        lock (_lock)
        {
            _firstLines ??= firstLines;
        }
    }

    protected override Partition[] GetPartitions() => FileSplitPartition.Create(_path, _minPartitions);

    protected internal override IEnumerable<(string File, long Line, string Text)> Compute(Partition split, TaskContext context)
    {
        var firstLines = Volatile.Read(ref _firstLines)
            ?? throw new InvalidOperationException($"{CallSite}: RDD {Id} was computed before the lines of its splits were counted.");
        var textSplit = ((FileSplitPartition)split).Split;
        return Number(textSplit, firstLines[split.Index], context);
    }

    private static IEnumerable<(string File, long Line, string Text)> Number(TextSplit split, long firstLine, TaskContext context)
    {
        using var reader = LineReader.Open(split);
        var line = firstLine;
        try
        {
            foreach (var text in reader.EnumerateLines(context.CancellationToken))
            {
                yield return (split.Path, line++, text);
            }
        }
        finally
        {
            context.Metrics.RecordsRead += line - firstLine;
            context.Metrics.BytesRead += reader.BytesRead;
        }
    }

    private static bool SameFile(Partition a, Partition b) =>
        string.Equals(((FileSplitPartition)a).Split.Path, ((FileSplitPartition)b).Split.Path, StringComparison.Ordinal);

    /// <summary>One record per split: the number of lines that split reads, counted without decoding them.</summary>
    private sealed class LineCountRdd(DataflowContext context, IReadOnlyList<Partition> partitions, CallSite callSite)
        : Rdd<long>(context, [], callSite)
    {
        protected override Partition[] GetPartitions() => [.. partitions];

        protected internal override IEnumerable<long> Compute(Partition split, TaskContext context)
        {
            using var reader = LineReader.Open(((FileSplitPartition)split).Split, stripCarriageReturn: false);
            long lines = 0;
            while (reader.TryReadLineBytes(out _))
            {
                // A count is one record, so cancellation is checked here rather than between records.
                if ((++lines & 0xFFFF) == 0)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                }
            }

            context.Metrics.BytesRead += reader.BytesRead;
            return [lines];
        }
    }
}
