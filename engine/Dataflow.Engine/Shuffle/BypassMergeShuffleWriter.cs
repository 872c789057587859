using System.Diagnostics;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Serialization.Records;

namespace Dataflow.Shuffle;

/// <summary>
/// The map side of a shuffle that neither combines nor sorts, into few reduce partitions
/// (<c>Dataflow:Shuffle:BypassMergeThreshold</c>): each record goes at once to a file of its reduce partition, and
/// the files are concatenated into the map output in partition order. Nothing is buffered in memory, sorted, spilled
/// or merged, so the records are written twice in all instead of up to four times under memory pressure. Each open
/// partition costs a file and a frame buffer of about 64 KiB, outside the memory budget (Spark's writer has the same
/// trade-off), which the threshold bounds.
/// </summary>
/// <remarks>Spark: BypassMergeSortShuffleWriter</remarks>
internal static class BypassMergeShuffleWriter
{
    public static void Write<TKey, TValue>(IEnumerable<(TKey Key, TValue Value)> records, Partitioner partitioner, IMapOutputWriter output, TaskContext context)
    {
        var partitions = partitioner.NumPartitions;
        var files = new FileStream?[partitions];
        var writers = new RecordBatchWriter<(TKey, TValue)>?[partitions];
        try
        {
            // The records come through the task's cancellation check (ShuffleWriter wraps them).
            foreach (var record in records)
            {
                var p = partitioner.CheckedPartition(record.Key);
                var writer = writers[p];
                if (writer is null)
                {
                    // Created on first use; frames are written whole, so the file needs no buffer of its own.
                    files[p] = new FileStream(context.TempFiles.NewFile("bypass"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                    writer = writers[p] = new RecordBatchWriter<(TKey, TValue)>(files[p]!, context.Environment.Compress);
                }

                writer.Write(record);
            }

            // The frames written while the records came in, then the last frames and the concatenation.
            long frameTicks = 0;
            foreach (var writer in writers)
            {
                frameTicks += writer?.FrameWriteTicks ?? 0;
            }

            var concatenation = Stopwatch.GetTimestamp();
            for (var p = 0; p < partitions; p++)
            {
                if (writers[p] is { } writer)
                {
                    writer.Flush();
                    files[p]!.Position = 0;
                    files[p]!.CopyTo(output.Stream);
                    context.Metrics.ShuffleWriteBytes += writer.BytesWritten;
                    context.Metrics.ShuffleWriteRecords += writer.RecordsWritten;
                    files[p]!.Dispose();
                    files[p] = null;
                }

                output.EndPartition(p);
            }

            context.Metrics.ShuffleWriteTime += Stopwatch.GetElapsedTime(concatenation) + Stopwatch.GetElapsedTime(0, frameTicks);
        }
        finally
        {
            foreach (var file in files)
            {
                file?.Dispose();
            }
        }
    }
}
