using Dataflow.Execution;
using Dataflow.IO;
using Dataflow.Serialization.Records;

namespace Dataflow.Checkpointing;

/// <summary>
/// The files of a reliable checkpoint: one <c>part-NNNNN</c> per partition under the RDD's directory, each a sequence
/// of record frames (MessagePack records, LZ4, an XxHash64 checksum per frame: <see cref="FrameCodec"/>), written
/// through the <see cref="OutputCommitter"/> (attempt files, one committed attempt per partition, <c>_SUCCESS</c> last,
/// the directory renamed into place), so a failed write leaves nothing under the RDD's directory.
/// </summary>
/// <remarks>Spark: ReliableCheckpointRDD</remarks>
internal static class CheckpointFiles
{
    /// <summary>The directory of <paramref name="rdd"/>'s checkpoint under a context's checkpoint directory.</summary>
    public static string RddDirectory(string contextDirectory, RddBase rdd) =>
        Path.Combine(contextDirectory, "rdd-" + rdd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Writes one partition's records as frames; returns the bytes and records written.</summary>
    public static (long Bytes, long Records) Write<T>(Stream output, IEnumerable<T> records, bool compress, CancellationToken cancellationToken)
    {
        var writer = new RecordBatchWriter<T>(output, compress);
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.Write(record);
        }

        writer.Flush();
        return (writer.BytesWritten, writer.RecordsWritten);
    }

    /// <summary>
    /// The records of partition <paramref name="partition"/> of a checkpointed RDD, read in the task. A missing file
    /// means the directory is not storage this executor sees (or was cleaned); a frame whose checksum fails names the file.
    /// </summary>
    public static IEnumerable<T> Read<T>(RddBase rdd, string directory, int partition, TaskContext context)
    {
        var file = Path.Combine(directory, OutputCommitter.PartFileName(partition));
        FileStream stream;
        try
        {
            stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CheckpointException(
                $"Checkpoint file '{file}' of RDD {rdd.Id} ({rdd.CallSite}) cannot be read on executor {context.Environment.ExecutorId}: {Reason(e)}. " +
                "The checkpoint directory must be storage that the driver and every worker see (a shared filesystem), and its files must stay while the context runs.",
                e);
        }

        return ReadFrames<T>(rdd, stream, file, context);
    }

    private static IEnumerable<T> ReadFrames<T>(RddBase rdd, FileStream stream, string file, TaskContext context)
    {
        using (stream)
        {
            using var records = RecordBatchReader.Read<T>(stream, stream.Length, file, (bytes, _) => context.Metrics.BytesRead += bytes).GetEnumerator();
            while (true)
            {
                T record;
                try
                {
                    if (!records.MoveNext())
                    {
                        yield break;
                    }

                    record = records.Current;
                }
                catch (InvalidDataException e)
                {
                    throw new CheckpointException(
                        $"Checkpoint file '{file}' of RDD {rdd.Id} ({rdd.CallSite}) is corrupt: {e.Message} " +
                        "Delete the checkpoint and recompute the RDD from its source (a new context checkpoints it again).",
                        e);
                }

                yield return record;
            }
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "its directory does not exist here",
        _ => "the file does not exist here",
    };
}
