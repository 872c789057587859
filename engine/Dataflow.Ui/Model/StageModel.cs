namespace Dataflow.Ui.Model;

/// <summary>One stage attempt: its description, status, timings and tasks.</summary>
internal sealed class StageModel
{
    public required StageDescription Description { get; set; }

    public required int Attempt { get; init; }

    public int StageId => Description.StageId;

    /// <summary>PENDING, ACTIVE, COMPLETE, FAILED or SKIPPED (Spark's stage statuses).</summary>
    public string Status { get; set; } = "PENDING";

    public int NumTasks { get; set; }

    public DateTimeOffset? SubmissionTime { get; set; }

    public DateTimeOffset? CompletionTime { get; set; }

    public string? FailureReason { get; set; }

    public SortedSet<int> JobIds { get; } = [];

    /// <summary>Its task attempts by task id, in launch order.</summary>
    public SortedDictionary<long, TaskModel> Tasks { get; } = [];
}
