using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>Something the scheduler did; delivered to every <see cref="IDataflowListener"/> in order, off the scheduler's path.</summary>
/// <param name="Time">When it happened.</param>
public abstract record DataflowEvent(DateTimeOffset Time);

/// <summary>A stage as events describe it.</summary>
/// <param name="StageId">The stage.</param>
/// <param name="Attempt">The stage attempt.</param>
/// <param name="Name">The call site of the stage's last RDD (or of the action).</param>
/// <param name="NumTasks">Partitions the stage computes in this attempt.</param>
/// <param name="ShuffleId">For a shuffle map stage, the shuffle it writes; <c>null</c> for a result stage.</param>
/// <param name="ParentStageIds">The stages whose shuffle output it reads.</param>
public sealed record StageInfo(int StageId, int Attempt, CallSite Name, int NumTasks, int? ShuffleId, IReadOnlyList<int> ParentStageIds)
{
    /// <summary>The RDDs the stage pipelines, in id order (parents before children); empty when not described.</summary>
    public IReadOnlyList<RddInfo> Rdds { get; init; } = [];
}

/// <summary>An RDD as events describe it.</summary>
/// <param name="RddId">The RDD.</param>
/// <param name="Kind">Its class, e.g. <c>MapPartitionsRdd</c>.</param>
/// <param name="Name">The name the user gave it, or <c>null</c>.</param>
/// <param name="CallSite">The operator call that created it.</param>
/// <param name="ParentIds">The RDDs it depends on (through narrow and shuffle dependencies).</param>
/// <param name="NumPartitions">Its partition count.</param>
/// <param name="StorageLevel">How it is persisted (<c>None</c> when it is not).</param>
public sealed record RddInfo(int RddId, string Kind, string? Name, CallSite CallSite, IReadOnlyList<int> ParentIds, int NumPartitions, string StorageLevel)
{
    internal static RddInfo Of(RddBase rdd) => new(
        rdd.Id, rdd.GetType().Name.Split('`')[0], rdd.Name, rdd.CallSite, [.. rdd.Dependencies.Select(d => d.Rdd.Id)],
        rdd.NumPartitions, rdd.StorageLevel.Name);
}

/// <summary>The application (a context) started; the first event.</summary>
/// <param name="Time">When.</param>
/// <param name="ApplicationId">The context's <see cref="DataflowContext.ApplicationId"/>.</param>
/// <param name="AppName">The application name (<c>Dataflow:AppName</c>).</param>
/// <param name="Master">The master URL.</param>
/// <param name="User">The user running the driver.</param>
public sealed record ApplicationStartEvent(DateTimeOffset Time, string ApplicationId, string AppName, string Master, string User) : DataflowEvent(Time);

/// <summary>The application's context was disposed; the last event.</summary>
/// <param name="Time">When.</param>
/// <param name="ApplicationId">The application.</param>
public sealed record ApplicationEndEvent(DateTimeOffset Time, string ApplicationId) : DataflowEvent(Time);

/// <summary>An executor became available for tasks (the local executor at start, a worker that joined the cluster).</summary>
/// <param name="Time">When.</param>
/// <param name="ExecutorId">The executor.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Cores">Its task slots.</param>
public sealed record ExecutorAddedEvent(DateTimeOffset Time, string ExecutorId, string Host, int Cores) : DataflowEvent(Time);

/// <summary>An executor was lost (its worker left the cluster or stopped answering); its tasks are retried elsewhere.</summary>
/// <param name="Time">When.</param>
/// <param name="ExecutorId">The executor.</param>
/// <param name="Reason">Why.</param>
public sealed record ExecutorRemovedEvent(DateTimeOffset Time, string ExecutorId, string Reason) : DataflowEvent(Time);

/// <summary>A task attempt as events describe it.</summary>
/// <param name="TaskId">Unique per attempt.</param>
/// <param name="JobId">The job.</param>
/// <param name="StageId">The stage.</param>
/// <param name="StageAttempt">The stage attempt.</param>
/// <param name="PartitionId">The partition.</param>
/// <param name="Attempt">The task attempt, 0-based.</param>
public sealed record TaskInfo(long TaskId, int JobId, int StageId, int StageAttempt, int PartitionId, int Attempt)
{
    /// <summary>Whether the attempt is a speculative copy of a slow attempt running elsewhere.</summary>
    public bool Speculative { get; init; }
}

/// <summary>An action started a job.</summary>
/// <param name="Time">When.</param>
/// <param name="JobId">The job.</param>
/// <param name="CallSite">The action.</param>
/// <param name="Stages">Every stage of the job, including those that will be skipped.</param>
public sealed record JobStartEvent(DateTimeOffset Time, int JobId, CallSite CallSite, IReadOnlyList<StageInfo> Stages) : DataflowEvent(Time);

/// <summary>A job ended.</summary>
/// <param name="Time">When.</param>
/// <param name="JobId">The job.</param>
/// <param name="Succeeded">Whether it succeeded.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
public sealed record JobEndEvent(DateTimeOffset Time, int JobId, bool Succeeded, Exception? Error) : DataflowEvent(Time);

/// <summary>A stage attempt was submitted (its parents are complete).</summary>
/// <param name="Time">When.</param>
/// <param name="JobId">The job that submitted it.</param>
/// <param name="Stage">The stage.</param>
public sealed record StageSubmittedEvent(DateTimeOffset Time, int JobId, StageInfo Stage) : DataflowEvent(Time);

/// <summary>A stage attempt ended.</summary>
/// <param name="Time">When.</param>
/// <param name="JobId">The job that submitted it.</param>
/// <param name="Stage">The stage.</param>
/// <param name="Metrics">The sum of its successful tasks' metrics.</param>
/// <param name="FailureReason">Why it failed, or <c>null</c>.</param>
public sealed record StageCompletedEvent(DateTimeOffset Time, int JobId, StageInfo Stage, TaskMetrics Metrics, string? FailureReason) : DataflowEvent(Time);

/// <summary>A task attempt started.</summary>
/// <param name="Time">When.</param>
/// <param name="Task">The attempt.</param>
public sealed record TaskStartEvent(DateTimeOffset Time, TaskInfo Task) : DataflowEvent(Time);

/// <summary>A task attempt ended.</summary>
/// <param name="Time">When.</param>
/// <param name="Task">The attempt.</param>
/// <param name="ExecutorId">Where it ran.</param>
/// <param name="Error">Its failure, or <c>null</c>.</param>
/// <param name="Metrics">What it did.</param>
public sealed record TaskEndEvent(DateTimeOffset Time, TaskInfo Task, string ExecutorId, Exception? Error, TaskMetrics Metrics) : DataflowEvent(Time)
{
    /// <summary>Whether the attempt succeeded.</summary>
    public bool Succeeded => Error is null;
}
