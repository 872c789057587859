using Dataflow.Execution;

namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Runs tasks on a fixed number of dedicated executor threads in the driver's process (<c>local[N]</c>). Tasks are
/// synchronous pull pipelines that may block on I/O, so they get threads of their own rather than the thread pool;
/// the threads have large stacks because a deep lineage nests one iterator per operator.
/// </summary>
/// <remarks>
/// <para>
/// In local mode it is the <see cref="TaskSetScheduler"/>'s executor pool: one executor with N slots, which runs
/// what the scheduler launches and reports each end. Barrier tasks do not take those slots: each gets a thread of its
/// own, up to <see cref="MaxBarrierTasks"/> at once (the executor's barrier slots), so a barrier stage of 4 tasks runs
/// on <c>local[2]</c> and one with more tasks than that fails at once instead of waiting for ever.
/// </para>
/// <para>
/// A cluster worker uses it only as its thread pool (<see cref="RunTaskAsync(TaskDescription, ExecutionEnvironment, CancellationToken)"/>),
/// shared by the applications of every driver: the threads serve applications round-robin, and each application's
/// jobs round-robin (<see cref="FairTaskQueue{T}"/>).
/// </para>
/// </remarks>
internal sealed class LocalBackend : ISchedulerBackend
{
    /// <summary>
    /// Barrier tasks a local executor runs at once on threads of their own, besides its <c>local[N]</c> slots: at
    /// least 64, and never fewer than N. A barrier stage with more partitions fails at once, naming both counts.
    /// </summary>
    public const int MinBarrierTasks = 64;

    /// <summary>The host local executors report (task preferences naming it are host-local).</summary>
    public const string LocalHost = "localhost";

    private const int ExecutorStackBytes = 256 * 1024 * 1024;

    private readonly FairTaskQueue<WorkItem> _queue = new();
    private readonly Thread[] _threads;
    private readonly ExecutionEnvironment? _environment;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, WorkItem> _launched = [];
    private readonly List<Thread> _barrierThreads = [];
    private ITaskSchedulerEvents? _scheduler;

    /// <param name="threads">Executor threads (task slots).</param>
    /// <param name="environment">The environment of tasks run without one of their own; <c>null</c> when every task brings its own.</param>
    public LocalBackend(int threads, ExecutionEnvironment? environment)
    {
        _environment = environment;
        DefaultParallelism = threads;
        MaxBarrierTasks = Math.Max(MinBarrierTasks, threads);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work, ExecutorStackBytes) { IsBackground = true, Name = $"dataflow-executor-{i}" };
            _threads[i].Start();
        }
    }

    public int DefaultParallelism { get; }

    /// <summary>Barrier tasks run at once on threads of their own: <c>max(</c><see cref="MinBarrierTasks"/><c>, N)</c>.</summary>
    public int MaxBarrierTasks { get; }

    private ExecutionEnvironment Environment => _environment ?? throw new InvalidOperationException("This executor runs tasks only with their application's environment.");

    /// <summary>Runs a task against another executor environment (a cluster worker keeps one per application).</summary>
    /// <remarks>
    /// A barrier task gets a thread of its own rather than a slot: the driver launched its set only when the cluster
    /// had a slot free for each, but a slot here may still be held by an attempt the driver has already killed (or by
    /// another application), and a barrier task waiting behind it would keep the others at the barrier for ever.
    /// </remarks>
    public Task<TaskResult> RunTaskAsync(TaskDescription task, ExecutionEnvironment environment, CancellationToken cancellationToken)
    {
        var item = new WorkItem(task, environment, onEnd: null, cancellationToken);
        if (task.Barrier is null)
        {
            Enqueue(item);
        }
        else
        {
            StartBarrierThread(item);
        }

        return item.Completion.Task;
    }

    public void Attach(ITaskSchedulerEvents scheduler)
    {
        _scheduler = scheduler;
        scheduler.ExecutorAdded(new ExecutorSlots(Environment.ExecutorId, LocalHost, DefaultParallelism, MaxBarrierTasks));
    }

    public void Launch(TaskDescription task, string executorId)
    {
        var kill = new CancellationTokenSource();
        var item = new WorkItem(task, Environment, Report, kill.Token) { Kill = kill };
        lock (_lock)
        {
            _launched.Add(task.TaskId, item);
        }

        if (task.Barrier is null)
        {
            Enqueue(item);
            return;
        }

        // A barrier task blocks until every task of its stage reaches the barrier, so it must not wait for a slot.
        StartBarrierThread(item);
    }

    private void StartBarrierThread(WorkItem item)
    {
        var thread = new Thread(() => Run(item), ExecutorStackBytes) { IsBackground = true, Name = $"dataflow-barrier-{item.Task.TaskId}" };
        lock (_lock)
        {
            _barrierThreads.RemoveAll(t => !t.IsAlive);
            _barrierThreads.Add(thread);
        }

        thread.Start();
    }

    public void Kill(long taskId, string executorId, string reason)
    {
        WorkItem? item;
        lock (_lock)
        {
            item = _launched.GetValueOrDefault(taskId);
        }

        item?.Kill?.Cancel();
    }

    public ValueTask DisposeAsync()
    {
        _queue.Complete();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        List<Thread> barrierThreads;
        lock (_lock)
        {
            barrierThreads = [.. _barrierThreads];
        }

        foreach (var thread in barrierThreads)
        {
            thread.Join();
        }

        return ValueTask.CompletedTask;
    }

    private void Enqueue(WorkItem item)
    {
        if (item.CancellationToken.CanBeCanceled)
        {
            // Queued tasks of a cancelled job complete at once; a running one stops at its next record.
            item.Registration = item.CancellationToken.Register(static state => ((WorkItem)state!).CancelIfQueued(), item);
        }

        // One group per environment: on a worker, per application (job ids are per driver, so two applications'
        // job 0 are different jobs).
        _queue.Add(item.Environment, item.Task.JobId, item);
    }

    private void Report(WorkItem item, TaskResult result)
    {
        lock (_lock)
        {
            _launched.Remove(item.Task.TaskId);
        }

        _scheduler!.TaskEnded(result);
    }

    private void Work()
    {
        while (_queue.TryTake(out var item))
        {
            if (item.TryStart())
            {
                Run(item);
            }
        }
    }

    // A frame of its own: nothing of a finished task (its lineage, its result) stays referenced from the executor
    // thread's stack while it waits for the next one, so a finished job's RDDs and broadcasts can be collected.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Run(WorkItem item)
    {
        TaskResult result;
        try
        {
            result = TaskRunner.Run(item.Task, item.Environment, item.CancellationToken);
        }
        catch (OperationCanceledException e)
        {
            item.Registration.Dispose();
            item.Cancelled(e);
            return;
        }

        item.Registration.Dispose();
        item.Completed(result);
    }

    private sealed class WorkItem(TaskDescription task, ExecutionEnvironment environment, Action<WorkItem, TaskResult>? onEnd, CancellationToken cancellationToken)
    {
        private int _state;

        public TaskDescription Task { get; } = task;

        public ExecutionEnvironment Environment { get; } = environment;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Completed for callers of <see cref="RunTaskAsync(TaskDescription, ExecutionEnvironment, CancellationToken)"/>; unused for launches, which report to the scheduler.</summary>
        public TaskCompletionSource<TaskResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource? Kill { get; init; }

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Claims the item for an executor thread; false when it was cancelled while queued.</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void Completed(TaskResult result)
        {
            if (onEnd is null)
            {
                Completion.TrySetResult(result);
            }
            else
            {
                onEnd(this, result);
            }
        }

        public void Cancelled(OperationCanceledException error)
        {
            if (onEnd is null)
            {
                Completion.TrySetCanceled(CancellationToken);
            }
            else
            {
                onEnd(this, new TaskResult(Task, null, error, new TaskMetrics(), Environment.ExecutorId));
            }
        }

        /// <summary>
        /// Completes a still-queued item as cancelled. A running one is left to stop at its next record, so that the
        /// job only ends after its tasks have cleaned up their temporary files.
        /// </summary>
        public void CancelIfQueued()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Cancelled(new OperationCanceledException(CancellationToken));
            }
        }
    }
}
