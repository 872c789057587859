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
    public static IEnumerable<T> Read<T>(TaskContext context, int shuffleId, int reduceId) =>
        ReadPerMapOutput<T>(context, shuffleId, reduceId).SelectMany(static block => block);

    /// <summary>
    /// The reduce partition's block of each map output as its own sequence (in map order), so that blocks written
    /// sorted can be merged instead of sorted again.
    /// </summary>
    public static IReadOnlyList<IEnumerable<T>> ReadPerMapOutput<T>(TaskContext context, int shuffleId, int reduceId) =>
        [.. context.Environment.MapOutputs.GetStatuses(shuffleId, reduceId)
            .Where(status => status.BlockSizes[reduceId] > 0)
            .Select(status => ReadBlock<T>(context, new ShuffleBlockId(shuffleId, status.MapId, reduceId), status))];

    private static IEnumerable<T> ReadBlock<T>(TaskContext context, ShuffleBlockId block, MapStatus status)
    {
        var metrics = context.Metrics;
        var size = status.BlockSizes[block.ReduceId];
        var opening = Stopwatch.GetTimestamp();
        using var stream = new FetchTimingStream(context.Environment.ShuffleManager.OpenBlock(block, status), metrics);
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
