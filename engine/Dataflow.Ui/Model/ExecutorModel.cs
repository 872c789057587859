namespace Dataflow.Ui.Model;

/// <summary>One executor: where it runs, its slots, whether it is still there, and what its tasks did.</summary>
internal sealed class ExecutorModel
{
    public required string ExecutorId { get; init; }

    public required string Host { get; init; }

    public required int Cores { get; init; }

    public required DateTimeOffset AddTime { get; init; }

    public DateTimeOffset? RemoveTime { get; set; }

    public string? RemoveReason { get; set; }

    public bool IsActive => RemoveTime is null;

    public int CompletedTasks { get; set; }

    public int FailedTasks { get; set; }

    public double TotalDuration { get; set; }

    public double TotalGcTime { get; set; }

    public long TotalInputBytes { get; set; }

    public long TotalShuffleRead { get; set; }

    public long TotalShuffleWrite { get; set; }
}
