using Dataflow.Checkpointing;
using Dataflow.Execution;
using Dataflow.IO;
using Dataflow.Storage;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Marks the RDD for a reliable checkpoint: after the next action that computes it, its partitions are written to
    /// the checkpoint directory (<see cref="DataflowContext.SetCheckpointDirectory"/>) as checksummed record frames and
    /// its lineage is cut, so later jobs read the files (the sources may be gone) and <see cref="RddBase.Explain"/> shows
    /// no parents. Its partitioner is kept. The RDD is computed once for the action and the write: persist it first, or
    /// the engine keeps it (memory and disk) until the files are written. Use it to bound the lineage of iterative jobs.
    /// </summary>
    /// <example><code>
    /// ctx.SetCheckpointDirectory("/shared/checkpoints");
    /// model = model.Join(updates).Select(...).Checkpoint();
    /// await model.CountAsync();   // computes, writes, cuts the lineage
    /// </code></example>
    /// <exception cref="InvalidOperationException">No checkpoint directory is set.</exception>
    /// <remarks>Spark: checkpoint</remarks>
    public static Rdd<T> Checkpoint<T>(this Rdd<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Context.CheckpointDirectory is null)
        {
            throw new InvalidOperationException(
                $"RDD {source.Id} ({source.CallSite}) cannot be checkpointed: no checkpoint directory is set. Call ctx.SetCheckpointDirectory(dir) " +
                "or set Dataflow:Checkpoint:Directory (shared storage on a cluster), or use LocalCheckpoint().");
        }

        if (source.Checkpoint is { } existing)
        {
            return existing.Kind is CheckpointKind.ReliablePending or CheckpointKind.Reliable ? source : throw AlreadyMarked(source, existing);
        }

        Serialization.Records.RecordTypeCheck.Ensure(typeof(T), source.CallSite, "are checkpointed");
        var enginePersisted = source.StorageLevel.IsNone;
        if (enginePersisted)
        {
            source.Persist(StorageLevel.MemoryAndDisk);
        }

        source.Context.Checkpoints.Request(source, CheckpointState.ReliablePending(enginePersisted));
        return source;
    }

    /// <summary>
    /// Marks the RDD for a local checkpoint: after the next action that computes it, its partitions stay in the
    /// executors' block managers (memory, and disk when memory is short) and its lineage is cut. Faster than
    /// <see cref="Checkpoint{T}"/> (no files), but not fault-tolerant: a partition lost with its executor cannot be
    /// recomputed, and a job needing it fails saying so.
    /// </summary>
    /// <remarks>Spark: localCheckpoint</remarks>
    public static Rdd<T> LocalCheckpoint<T>(this Rdd<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Checkpoint is { } existing)
        {
            return existing.Kind is CheckpointKind.LocalPending or CheckpointKind.Local ? source : throw AlreadyMarked(source, existing);
        }

        // The blocks are the only copy once the lineage is cut: an evicted one must go to disk, not away.
        var level = source.StorageLevel switch
        {
            { IsNone: true } => StorageLevel.MemoryAndDisk,
            { UseDisk: true } current => current,
            { Serialized: true } => StorageLevel.MemoryAndDiskSerialized,
            _ => StorageLevel.MemoryAndDisk,
        };
        if (level != source.StorageLevel)
        {
            Serialization.Records.RecordTypeCheck.Ensure(typeof(T), source.CallSite, "are locally checkpointed (memory and disk)");
            source.StorageLevel = level;
        }

        source.Context.Cleaner.RegisterRdd(source);

        source.Context.Checkpoints.Request(source, CheckpointState.LocalPending());
        return source;
    }

    private static InvalidOperationException AlreadyMarked(RddBase rdd, CheckpointState existing) => new(
        $"RDD {rdd.Id} ({rdd.CallSite}) is already marked for a {(existing.Kind is CheckpointKind.Local or CheckpointKind.LocalPending ? "local" : "reliable")} " +
        "checkpoint; an RDD has one kind of checkpoint.");

    /// <summary>Takes the checkpoint requested for <paramref name="rdd"/> (after a job computed it); see <see cref="Checkpoints"/>.</summary>
    internal static async Task TakeCheckpointAsync<T>(Rdd<T> rdd, CancellationToken cancellationToken)
    {
        var state = rdd.Checkpoint!;
        var callSite = new CallSite(state.Kind == CheckpointKind.LocalPending ? nameof(LocalCheckpoint) : nameof(Checkpoint), rdd.CallSite.File, rdd.CallSite.Line);
        var partitioner = rdd.Partitioner;
        if (state.Kind == CheckpointKind.LocalPending)
        {
            // The action may have computed only some partitions (First, Take): the others are computed now.
            var missing = rdd.Context.Checkpoints.UnstoredPartitions(rdd);
            if (missing.Count > 0)
            {
                await rdd.Context.RunJobAsync(rdd, static (_, items) => Drain(items), missing, static (_, _) => { }, callSite, cancellationToken)
                    .ConfigureAwait(false);
            }

            rdd.CompleteCheckpoint(CheckpointState.Local(partitioner));
            return;
        }

        var directory = CheckpointFiles.RddDirectory(rdd.Context.Checkpoints.ContextDirectory!, rdd);
        await WriteCheckpointAsync(rdd, directory, callSite, cancellationToken).ConfigureAwait(false);
        rdd.CompleteCheckpoint(CheckpointState.Reliable(directory, partitioner));
        if (state.EnginePersisted)
        {
            // Kept only for the write: the files are the RDD's data now.
            rdd.StorageLevel = StorageLevel.None;
            rdd.Context.RemoveRddBlocks(rdd.Id);
        }
    }

    private static long Drain<T>(IEnumerable<T> items)
    {
        long count = 0;
        foreach (var _ in items)
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Writes the partitions through the output committer (attempt files, one commit per partition, the directory
    /// renamed into place with <c>_SUCCESS</c> last): a failed or cancelled write leaves nothing under <paramref name="directory"/>.
    /// </summary>
    private static async Task WriteCheckpointAsync<T>(Rdd<T> rdd, string directory, CallSite callSite, CancellationToken cancellationToken)
    {
        var committer = new OutputCommitter(directory, overwrite: false, Guid.NewGuid().ToString("N"));
        var compress = rdd.Context.Options.Shuffle.Compress;
        var staging = committer.StagingPath;
        var rddId = rdd.Id;
        committer.SetupJob();
        try
        {
            await rdd.Context.RunJobAsync(rdd, (task, items) =>
            {
                if (!System.IO.Directory.Exists(staging))
                {
                    throw new CheckpointException(
                        $"Checkpoint of RDD {rddId}: executor {task.Environment.ExecutorId} does not see the directory '{staging}' the driver created. " +
                        "The checkpoint directory must be storage that the driver and every worker see (a shared filesystem).");
                }

                return WritePart(committer, task, items, (stream, records, token) => CheckpointFiles.Write(stream, records, compress, token));
            }, null, static (_, _) => { }, callSite, cancellationToken).ConfigureAwait(false);
            committer.CommitJob(rdd.NumPartitions);
        }
        catch
        {
            committer.AbortJob();
            throw;
        }

        var absent = Enumerable.Range(0, rdd.NumPartitions).Select(p => Path.Combine(directory, OutputCommitter.PartFileName(p))).FirstOrDefault(f => !File.Exists(f));
        if (absent is not null)
        {
            throw new CheckpointException(
                $"Checkpoint of RDD {rdd.Id} ({rdd.CallSite}): the driver does not see '{absent}' after the executors wrote it. " +
                "The checkpoint directory must be storage that the driver and every worker see (a shared filesystem).");
        }
    }
}
