namespace Dataflow.Ui.Model;

/// <summary>One task attempt as the UI shows it: from its <c>TaskStart</c> and <c>TaskEnd</c> records.</summary>
internal sealed class TaskModel
{
    public required long TaskId { get; init; }

    public required int JobId { get; init; }

    public required int StageId { get; init; }

    public required int StageAttempt { get; init; }

    public required int Partition { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset LaunchTime { get; init; }

    /// <summary>RUNNING, SUCCESS, FAILED or KILLED (Spark's task statuses).</summary>
    public string Status { get; set; } = "RUNNING";

    public string ExecutorId { get; set; } = "";

    public string? ErrorMessage { get; set; }

    public DateTimeOffset? FinishTime { get; set; }

    /// <summary>Milliseconds: launch to end as the driver saw them.</summary>
    public double Duration { get; set; }

    public double SchedulerDelay { get; set; }

    public double DeserializeTime { get; set; }

    public double ComputeTime { get; set; }

    public double GcTime { get; set; }

    public long RecordsRead { get; set; }

    public long BytesRead { get; set; }

    public long RecordsWritten { get; set; }

    public long BytesWritten { get; set; }

    public long ShuffleReadRecords { get; set; }

    public long ShuffleReadBytes { get; set; }

    public long ShuffleRemoteReadBytes { get; set; }

    public long ShuffleWriteRecords { get; set; }

    public long ShuffleWriteBytes { get; set; }

    /// <summary>Milliseconds a map task spent writing its shuffle output (0 in event logs from before the field).</summary>
    public double ShuffleWriteTime { get; set; }

    /// <summary>Milliseconds the task was blocked getting shuffle blocks (0 in event logs from before the field).</summary>
    public double ShuffleFetchWaitTime { get; set; }

    public long SpillBytes { get; set; }

    public long PeakExecutionMemory { get; set; }

    public bool IsFinished => Status != "RUNNING";
}
