using Dataflow.Execution;
using Dataflow.Serialization;

namespace Dataflow.Shuffle;

/// <summary>Reads one reduce partition of a shuffle: the matching block of every map output, as records.</summary>
internal static class ShuffleReader
{
    public static IEnumerable<T> Read<T>(TaskContext context, int shuffleId, int reduceId)
    {
        var statuses = context.Environment.MapOutputs.GetStatuses(shuffleId, reduceId);
        var metrics = context.Metrics;
        foreach (var status in statuses)
        {
            var size = status.BlockSizes[reduceId];
            if (size == 0)
            {
                continue;
            }

            var block = new ShuffleBlockId(shuffleId, status.MapId, reduceId);
            using var stream = context.Environment.ShuffleManager.OpenBlock(block, status);
            var records = RecordBatchReader.Read<T>(stream, size, block.ToString(), (bytes, count) =>
            {
                metrics.ShuffleReadBytes += bytes;
                metrics.ShuffleReadRecords += count;
            });
            foreach (var record in records)
            {
                yield return record;
            }
        }
    }
}
