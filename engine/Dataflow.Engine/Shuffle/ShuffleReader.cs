using System.Diagnostics;
using Dataflow.Execution;
using Dataflow.Serialization.Records;

namespace Dataflow.Shuffle;

/// <summary>
/// Reads one reduce partition of a shuffle: the matching block of every map output, as records. Every frame's
/// checksum is verified before its records are used; a missing, truncated or corrupt block raises
/// <see cref="FetchFailedException"/> naming it, so the scheduler can recompute the map output. Corrupt data is
/// never returned.
/// </summary>
internal static class ShuffleReader
{
    // Blocks up to this size are opened as soon as the task starts reading, together, within EagerBytes in all.
    private const long EagerBlockBytes = 256 * 1024;
    private const long EagerBytes = 4 * 1024 * 1024;

    public static IEnumerable<T> Read<T>(TaskContext context, int shuffleId, int reduceId) =>
        ReadPerMapOutput<T>(context, shuffleId, reduceId).SelectMany(static block => block);

    /// <summary>
    /// The reduce partition's block of each map output as its own sequence (in map order), so that blocks written
    /// sorted can be merged instead of sorted again.
    /// </summary>
    /// <remarks>
    /// Small blocks are opened at once rather than one after another as they are read: a block on another executor is
    /// requested when it is opened, so the small blocks of a reduce partition arrive in about one round trip instead of
    /// one each (Spark's fetcher likewise sends its requests up front). Larger blocks are opened when read, which keeps
    /// the bytes in flight bounded.
    /// </remarks>
    public static IReadOnlyList<IEnumerable<T>> ReadPerMapOutput<T>(TaskContext context, int shuffleId, int reduceId)
    {
        var eager = 0L;
        var blocks = new List<IEnumerable<T>>();
        foreach (var status in context.Environment.MapOutputs.GetStatuses(shuffleId, reduceId))
        {
            var size = status.BlockSizes[reduceId];
            if (size <= 0)
            {
                continue;
            }

            var block = new ShuffleBlockId(shuffleId, status.MapId, reduceId);
            Stream? opened = null;
            if (size <= EagerBlockBytes && eager + size <= EagerBytes)
            {
                eager += size;
                var opening = Stopwatch.GetTimestamp();
                var stream = context.Environment.ShuffleManager.OpenBlock(block, status);
                context.Metrics.ShuffleFetchWaitTime += Stopwatch.GetElapsedTime(opening);
                // A task that stops reading early (a Take) never reaches this block: it is closed when the task ends.
                context.AddTaskCompletionListener(_ => stream.Dispose());
                opened = stream;
            }

            blocks.Add(ReadBlock<T>(context, block, status, opened));
        }

        return blocks;
    }

    private static IEnumerable<T> ReadBlock<T>(TaskContext context, ShuffleBlockId block, MapStatus status, Stream? opened)
    {
        var metrics = context.Metrics;
        var size = status.BlockSizes[block.ReduceId];
        var opening = Stopwatch.GetTimestamp();
        using var stream = new FetchTimingStream(opened ?? context.Environment.ShuffleManager.OpenBlock(block, status), metrics);
        metrics.ShuffleFetchWaitTime += Stopwatch.GetElapsedTime(opening);
        using var records = RecordBatchReader.Read<T>(stream, size, block.ToString(), (bytes, count) =>
        {
            metrics.ShuffleReadBytes += bytes;
            metrics.ShuffleReadRecords += count;
        }).GetEnumerator();
        while (true)
        {
            // C# has no yield inside a try with a catch, so the block's records are pulled here and yielded below.
            try
            {
                if (!records.MoveNext())
                {
                    break;
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new FetchFailedException(block, status.ExecutorId, e.Message, e);
            }

            yield return records.Current;
        }
    }
}
