namespace Dataflow.Execution;

/// <summary>
/// What one task attempt did: time, records and bytes in and out, shuffle traffic, spills, GC and memory. Filled in by
/// the task as it runs (single-threaded), reported with the task-end event and summed per stage.
/// </summary>
/// <remarks>Spark: TaskMetrics</remarks>
public sealed class TaskMetrics
{
    /// <summary>Wall time of the attempt on the executor, from the start of its computation to its end (the compute time).</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>
    /// Time the executor spent turning the shipped stage payload into this task (closures, captured state) before
    /// running it; zero in local mode, where tasks are not serialised.
    /// </summary>
    public TimeSpan DeserializeTime { get; set; }

    /// <summary>Time the process spent paused in garbage collection while the task ran (process-wide: tasks running at the same time see the same pauses).</summary>
    public TimeSpan GcTime { get; set; }

    /// <summary>Records read from the stage's input (a source such as a file or collection).</summary>
    public long RecordsRead { get; set; }

    /// <summary>Bytes read from the stage's input.</summary>
    public long BytesRead { get; set; }

    /// <summary>Records written to output (files written by an action).</summary>
    public long RecordsWritten { get; set; }

    /// <summary>Bytes written to output.</summary>
    public long BytesWritten { get; set; }

    /// <summary>Shuffle records read by the task.</summary>
    public long ShuffleReadRecords { get; set; }

    /// <summary>Shuffle bytes read by the task (as stored: serialised, possibly compressed).</summary>
    public long ShuffleReadBytes { get; set; }

    /// <summary>Of <see cref="ShuffleReadBytes"/>, the bytes fetched from other workers' block services.</summary>
    public long ShuffleRemoteReadBytes { get; set; }

    /// <summary>Shuffle records written by a map task.</summary>
    public long ShuffleWriteRecords { get; set; }

    /// <summary>Shuffle bytes written by a map task.</summary>
    public long ShuffleWriteBytes { get; set; }

    /// <summary>Bytes spilled to disk by memory-bounded structures.</summary>
    public long SpillBytes { get; set; }

    /// <summary>Peak execution memory accounted by the task's buffers and maps.</summary>
    public long PeakExecutionMemory { get; set; }

    /// <summary>Adds another attempt's figures to these (for stage totals); peak memory takes the maximum.</summary>
    public void Add(TaskMetrics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Duration += other.Duration;
        DeserializeTime += other.DeserializeTime;
        GcTime += other.GcTime;
        RecordsRead += other.RecordsRead;
        BytesRead += other.BytesRead;
        RecordsWritten += other.RecordsWritten;
        BytesWritten += other.BytesWritten;
        ShuffleReadRecords += other.ShuffleReadRecords;
        ShuffleReadBytes += other.ShuffleReadBytes;
        ShuffleRemoteReadBytes += other.ShuffleRemoteReadBytes;
        ShuffleWriteRecords += other.ShuffleWriteRecords;
        ShuffleWriteBytes += other.ShuffleWriteBytes;
        SpillBytes += other.SpillBytes;
        PeakExecutionMemory = Math.Max(PeakExecutionMemory, other.PeakExecutionMemory);
    }
}
