using System.Globalization;

namespace Dataflow;

/// <summary>
/// An action failed: a task of the job failed more often than <c>Dataflow:Scheduler:MaxTaskFailures</c> allows, or
/// the job could not be run. <see cref="Exception.InnerException"/> is the first cause, usually the user's exception.
/// </summary>
public sealed class JobFailedException : Exception
{
    /// <summary>Creates the exception for a failed task.</summary>
    public JobFailedException(int jobId, int stageId, int partition, int attempt, CallSite callSite, Exception cause)
        : base(Format(jobId, stageId, partition, attempt, callSite, cause), cause)
    {
        JobId = jobId;
        StageId = stageId;
        Partition = partition;
        Attempt = attempt;
        CallSite = callSite;
    }

    /// <summary>Creates the exception with a message only (required by convention).</summary>
    public JobFailedException() : base("The job failed.") { CallSite = CallSite.Internal("?"); }

    /// <summary>Creates the exception with a message only (required by convention).</summary>
    public JobFailedException(string message) : base(message) { CallSite = CallSite.Internal("?"); }

    /// <summary>Creates the exception with a message and a cause (required by convention).</summary>
    public JobFailedException(string message, Exception innerException) : base(message, innerException) { CallSite = CallSite.Internal("?"); }

    /// <summary>The failed job.</summary>
    public int JobId { get; }

    /// <summary>The stage whose task failed.</summary>
    public int StageId { get; }

    /// <summary>The partition whose task failed.</summary>
    public int Partition { get; }

    /// <summary>The last attempt number (0-based) of the failed task.</summary>
    public int Attempt { get; }

    /// <summary>The action (or, for a stage's own failure, the operator) that started the job.</summary>
    public CallSite CallSite { get; }

    private static string Format(int jobId, int stageId, int partition, int attempt, CallSite callSite, Exception cause) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Job {jobId} ({callSite}) failed: task for partition {partition} of stage {stageId} failed {attempt + 1} time(s); last failure: {cause.GetType().Name}: {cause.Message}");
}
