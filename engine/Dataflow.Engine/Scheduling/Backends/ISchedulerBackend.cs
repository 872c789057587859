namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Where tasks run: an <see cref="IExecutorPool"/> (which executors exist, launch and kill attempts on them, report
/// their ends) that the context's <see cref="TaskSetScheduler"/> places tasks on. The local backend's executor runs in
/// the driver's process; the Orleans backend's executors are the worker silos. Neither places, queues or retries.
/// </summary>
internal interface ISchedulerBackend : IExecutorPool, IAsyncDisposable
{
    /// <summary>The default number of partitions for operations that do not say (total task slots).</summary>
    int DefaultParallelism { get; }
}
