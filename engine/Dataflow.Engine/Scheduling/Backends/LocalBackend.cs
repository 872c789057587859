using Dataflow.Execution;

namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Runs tasks on a fixed number of dedicated executor threads in the driver's process (<c>local[N]</c>). Tasks are
/// synchronous pull pipelines that may block on I/O, so they get threads of their own rather than the thread pool;
/// the threads have large stacks because a deep lineage nests one iterator per operator. Concurrent jobs share
/// the threads round-robin (<see cref="FairTaskQueue{T}"/>).
/// </summary>
internal sealed class LocalBackend : ISchedulerBackend
{
    private const int ExecutorStackBytes = 256 * 1024 * 1024;

    private readonly FairTaskQueue<WorkItem> _queue = new();
    private readonly Thread[] _threads;
    private readonly ExecutionEnvironment? _environment;

    /// <param name="threads">Executor threads (task slots).</param>
    /// <param name="environment">The environment of tasks run without one of their own; <c>null</c> when every task brings its own.</param>
    public LocalBackend(int threads, ExecutionEnvironment? environment)
    {
        _environment = environment;
        DefaultParallelism = threads;
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work, ExecutorStackBytes) { IsBackground = true, Name = $"dataflow-executor-{i}" };
            _threads[i].Start();
        }
    }

    public int DefaultParallelism { get; }

    public Task<TaskResult> RunTaskAsync(TaskDescription task, CancellationToken cancellationToken) =>
        RunTaskAsync(task, _environment ?? throw new InvalidOperationException("This executor runs tasks only with their application's environment."), cancellationToken);

    /// <summary>Runs a task against another executor environment (a cluster worker keeps one per application).</summary>
    public Task<TaskResult> RunTaskAsync(TaskDescription task, ExecutionEnvironment environment, CancellationToken cancellationToken)
    {
        var item = new WorkItem(task, environment, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // Queued tasks of a cancelled job complete at once; a running one stops at its next record.
            item.Registration = cancellationToken.Register(static state => ((WorkItem)state!).CancelIfQueued(), item);
        }

        _queue.Add(task.JobId, item);
        return item.Completion.Task;
    }

    public ValueTask DisposeAsync()
    {
        _queue.Complete();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        return ValueTask.CompletedTask;
    }

    private void Work()
    {
        while (_queue.TryTake(out var item))
        {
            Run(item);
        }
    }

    // A frame of its own: nothing of a finished task (its lineage, its result) stays referenced from the executor
    // thread's stack while it waits for the next one, so a finished job's RDDs and broadcasts can be collected.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Run(WorkItem item)
    {
        if (!item.TryStart())
        {
            return;
        }

        try
        {
            item.Completion.TrySetResult(TaskRunner.Run(item.Task, item.Environment, item.CancellationToken));
        }
        catch (OperationCanceledException)
        {
            item.Completion.TrySetCanceled(item.CancellationToken);
        }
        finally
        {
            item.Registration.Dispose();
        }
    }

    private sealed class WorkItem(TaskDescription task, ExecutionEnvironment environment, CancellationToken cancellationToken)
    {
        public TaskDescription Task { get; } = task;

        public ExecutionEnvironment Environment { get; } = environment;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<TaskResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _state;

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Claims the item for an executor thread; false when it was cancelled while queued.</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        /// <summary>
        /// Completes a still-queued item as cancelled. A running one is left to stop at its next record, so that the
        /// job only ends after its tasks have cleaned up their temporary files.
        /// </summary>
        public void CancelIfQueued()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Completion.TrySetCanceled(CancellationToken);
            }
        }
    }
}
