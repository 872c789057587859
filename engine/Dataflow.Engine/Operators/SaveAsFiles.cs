using Dataflow.Execution;
using Dataflow.IO;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Runs a job that writes each partition through <paramref name="writePart"/> into its own part file and commits
    /// the whole output atomically: staging directory, first committed attempt wins, <c>_SUCCESS</c> last, and on any
    /// failure or cancellation nothing under the final path. Every file-writing action is built on this.
    /// </summary>
    private static async Task SaveAsPartFilesAsync<T>(Rdd<T> source, string path, bool overwrite,
        Func<Stream, IEnumerable<T>, CancellationToken, (long Bytes, long Records)> writePart, CallSite callSite,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var committer = new OutputCommitter(path, overwrite, Guid.NewGuid().ToString("N"));
        var partitions = source.NumPartitions;
        committer.SetupJob();
        try
        {
            await source.Context.RunJobAsync(source, (task, items) => WritePart(committer, task, items, writePart), null,
                static (_, _) => { }, callSite, cancellationToken).ConfigureAwait(false);
            committer.CommitJob(partitions);
        }
        catch
        {
            committer.AbortJob();
            throw;
        }
    }

    private static bool WritePart<T>(OutputCommitter committer, TaskContext task, IEnumerable<T> items,
        Func<Stream, IEnumerable<T>, CancellationToken, (long Bytes, long Records)> writePart)
    {
        var attempt = task.AttemptNumber;
        try
        {
            using (var stream = committer.CreateTaskOutput(task.PartitionId, attempt))
            {
                var (bytes, records) = writePart(stream, items, task.CancellationToken);
                task.Metrics.BytesWritten += bytes;
                task.Metrics.RecordsWritten += records;
            }

            if (task.Environment.CommitCoordinator is { } coordinator &&
                !coordinator.CanCommit(task.StageId, task.StageAttempt, task.PartitionId, task.TaskAttemptId))
            {
                // A retry or a speculative copy of this partition was authorised first: this attempt's output is dropped.
                throw new Scheduling.CommitDeniedException(
                    $"Attempt {attempt} of partition {task.PartitionId} (stage {task.StageId}) may not commit: another attempt of the partition was authorised to.");
            }

            committer.CommitTask(task.PartitionId, attempt);
            return true;
        }
        catch
        {
            committer.AbortTask(task.PartitionId, attempt);
            throw;
        }
    }
}
