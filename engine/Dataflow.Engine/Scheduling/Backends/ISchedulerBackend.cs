namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Where tasks run. The local backend runs them on executor threads in the driver's process and is also the task
/// scheduler's <see cref="IExecutorPool"/>; the Orleans backend sends them to worker silos and, until it becomes an
/// executor pool too, places them itself behind <see cref="BackendExecutorPool"/>.
/// </summary>
internal interface ISchedulerBackend : IAsyncDisposable
{
    /// <summary>The default number of partitions for operations that do not say (total task slots).</summary>
    int DefaultParallelism { get; }

    /// <summary>
    /// Runs one task attempt and completes with its result. A failure inside the task is reported in
    /// <see cref="TaskResult.Error"/>, not thrown; cancellation through <paramref name="cancellationToken"/> stops the
    /// attempt (between records) and completes the returned task as cancelled.
    /// </summary>
    Task<TaskResult> RunTaskAsync(TaskDescription task, CancellationToken cancellationToken);
}
