namespace Dataflow.Ui.Model;

/// <summary>One job: the action that started it, its stages and its outcome.</summary>
internal sealed class JobModel
{
    public required int JobId { get; init; }

    public required string Name { get; init; }

    public required DateTimeOffset SubmissionTime { get; init; }

    /// <summary>Every stage of the job as it started (including those it will skip), in the order of <c>stageIds</c>.</summary>
    public required IReadOnlyList<int> StageIds { get; init; }

    /// <summary>RUNNING, SUCCEEDED or FAILED (Spark's job statuses).</summary>
    public string Status { get; set; } = "RUNNING";

    public DateTimeOffset? CompletionTime { get; set; }

    public string? Error { get; set; }

    /// <summary>Its task attempts, in launch order (kept here so that a page of many jobs need not scan every task).</summary>
    public List<TaskModel> Tasks { get; } = [];

    /// <summary>The stages this job did not run because their shuffle output existed.</summary>
    public SortedSet<int> SkippedStageIds { get; } = [];
}
