using Microsoft.Extensions.Logging;

namespace Dataflow.Diagnostics;

/// <summary>
/// The engine's driver-side log messages, source-generated so that a disabled level costs nothing. Each is one line
/// naming the ids involved; warnings are what a user running an example sees by default.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Removed {Directory}, left behind by process {Pid}, which is no longer running")]
    public static partial void RemovedStaleContextDirectory(this ILogger logger, string directory, int pid);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Task {TaskId} (stage {StageId}.{StageAttempt}, partition {Partition}, attempt {Attempt}) failed on executor {ExecutorId}: {Cause}; retrying ({Remaining} attempts left)")]
    public static partial void TaskFailedRetrying(this ILogger logger, long taskId, int stageId, int stageAttempt, int partition, int attempt, string executorId, string cause, int remaining);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error,
        Message = "Task {TaskId} (stage {StageId}.{StageAttempt}, partition {Partition}, attempt {Attempt}) failed on executor {ExecutorId}: {Cause}; no attempts left, the job fails")]
    public static partial void TaskFailedFinally(this ILogger logger, long taskId, int stageId, int stageAttempt, int partition, int attempt, string executorId, string cause);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "Job {JobId}: {Reason}; recomputing the lost map output and resubmitting {Count} partitions")]
    public static partial void FetchFailedResubmitting(this ILogger logger, int jobId, string reason, int count);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning,
        Message = "Job {JobId}: {Reason}; recomputing the lost map output and resubmitting the stage")]
    public static partial void FetchFailedInMapStage(this ILogger logger, int jobId, string reason);

    /// <summary>A task failure's cause on one line: <c>Type: message</c>.</summary>
    public static string Cause(Exception? error) => error is null ? "unknown" : $"{error.GetType().Name}: {error.Message}";
}
