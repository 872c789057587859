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

    /// <summary>
    /// Time a map task spent writing its shuffle output rather than computing the records: for the sort-based writers
    /// the merge, serialisation and file writes of the partitioned output; for the bypass writer its frame writes
    /// (compression, checksums, file writes) and the concatenation of the partition files; and the commit (index, rename).
    /// </summary>
    /// <remarks>Spark: shuffleWriteMetrics.writeTime</remarks>
    public TimeSpan ShuffleWriteTime { get; set; }

    /// <summary>
    /// Time a task was blocked getting shuffle blocks: opening each block and reading its bytes, local files and
    /// remote chunks alike (waiting for another worker's block service included), not decoding the records.
    /// </summary>
    /// <remarks>Spark: shuffleReadMetrics.fetchWaitTime</remarks>
    public TimeSpan ShuffleFetchWaitTime { get; set; }

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
        ShuffleWriteTime += other.ShuffleWriteTime;
        ShuffleFetchWaitTime += other.ShuffleFetchWaitTime;
        SpillBytes += other.SpillBytes;
        PeakExecutionMemory = Math.Max(PeakExecutionMemory, other.PeakExecutionMemory);
    }
}
