namespace Dataflow.Scheduling;

/// <summary>
/// What the <see cref="TaskSetScheduler"/> tells the submitter of a <see cref="TaskSet"/>. Calls for one task set come
/// one at a time, in order, and never while another call of the scheduler's is running; they must not block.
/// </summary>
internal interface ITaskSetListener
{
    /// <summary>An attempt was launched on <paramref name="executorId"/>.</summary>
    void TaskStarted(TaskDescription task, string executorId);

    /// <summary>An attempt ended; <paramref name="outcome"/> says what the scheduler made of it.</summary>
    void TaskEnded(TaskResult result, TaskOutcome outcome);

    /// <summary>
    /// The first successful attempt of a partition (for a barrier set: of every partition, once all have succeeded):
    /// its result is the partition's result. Called once per partition.
    /// </summary>
    void PartitionSucceeded(TaskResult result);

    /// <summary>
    /// The task set ended, after its last running attempt: <paramref name="failure"/> is <c>null</c> when every
    /// partition succeeded, else why it was aborted (a <see cref="JobFailedException"/>, a
    /// <see cref="StageFetchFailedException"/>, or an <see cref="OperationCanceledException"/> when cancelled).
    /// </summary>
    void Finished(Exception? failure);
}
