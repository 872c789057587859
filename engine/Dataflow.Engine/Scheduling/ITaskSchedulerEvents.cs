namespace Dataflow.Scheduling;

/// <summary>What an <see cref="IExecutorPool"/> reports to the task scheduler. Thread-safe; callable from any thread.</summary>
internal interface ITaskSchedulerEvents
{
    /// <summary>An executor joined (or the pool started with it).</summary>
    void ExecutorAdded(ExecutorSlots executor);

    /// <summary>An executor left; its running attempts are re-queued without counting as failures.</summary>
    void ExecutorLost(string executorId, string reason);

    /// <summary>A launched attempt ended (succeeded, failed or was killed).</summary>
    void TaskEnded(TaskResult result);
}
