using Dataflow.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.Scheduling;

/// <summary>
/// Places the tasks of submitted <see cref="TaskSet"/>s on the executors of an <see cref="IExecutorPool"/>. Each set
/// is run by a <see cref="TaskSetManager"/> (pending tasks per locality level with delay scheduling, retries on
/// another executor, exclusion, speculation, barrier launch); this class owns the executors' slots, shares them
/// fairly between the running sets (the set with the fewest running attempts goes first, so a small job is not
/// starved by a large one submitted earlier), and turns the pool's reports into manager calls.
/// </summary>
/// <remarks>
/// <para>Spark: TaskSchedulerImpl. Not named <c>TaskScheduler</c>, which <see cref="System.Threading.Tasks.TaskScheduler"/> would shadow.</para>
/// <para>
/// How it works: every input (a submission, a cancellation, a pool report, a timer) is posted to an inbox and run one
/// at a time under <c>_lock</c> by whichever thread found the inbox idle, so the managers are single-threaded state
/// machines and a report posted from inside a pool or listener call is run after that call, never re-entrantly.
/// Time comes only from the <see cref="TimeProvider"/>: the locality wait and the speculation check are its timers.
/// </para>
/// </remarks>
internal sealed partial class TaskSetScheduler : ITaskSchedulerEvents, IDisposable
{
    /// <summary>How often running tasks are checked for speculation (when it is on).</summary>
    internal static readonly TimeSpan SpeculationInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly Lock _inboxLock = new();
    private readonly Queue<Action> _inbox = new();
    private readonly IExecutorPool _pool;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<ExecutorState> _executors = [];
    private readonly List<TaskSetManager> _managers = [];
    private readonly Dictionary<long, TaskSetManager> _owners = [];
    private readonly ITimer _localityTimer;
    private ITimer? _speculationTimer;
    private DateTimeOffset? _localityDue;
    private bool _draining;
    private long _nextTaskId;
    private long _nextSequence;
    private bool _disposed;

    public TaskSetScheduler(IExecutorPool pool, SchedulerOptions options, TimeProvider time, ILogger? logger = null)
    {
        _pool = pool;
        Options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        Exclusion = new ApplicationExclusion(options);
        _localityTimer = time.CreateTimer(static state => ((TaskSetScheduler)state!).Post(s => s.OnLocalityTimer()), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        pool.Attach(this);
    }

    internal SchedulerOptions Options { get; }

    internal ApplicationExclusion Exclusion { get; }

    /// <summary>Authorises one attempt per output partition to commit.</summary>
    public OutputCommitCoordinator Commits { get; } = new();

    /// <summary>Task sets not yet finished (for tests: none may be left behind).</summary>
    public int ActiveTaskSetCount
    {
        get
        {
            lock (_lock)
            {
                return _managers.Count;
            }
        }
    }

    /// <summary>The executors and how many attempts each runs now (for tests and diagnostics).</summary>
    public IReadOnlyList<(string Id, int Running)> ExecutorLoad
    {
        get
        {
            lock (_lock)
            {
                return [.. _executors.Select(e => (e.Id, e.Running + e.RunningBarrier))];
            }
        }
    }

    internal IReadOnlyList<ExecutorState> Executors => _executors;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Starts running <paramref name="set"/>; <paramref name="listener"/> hears of its attempts and its end.</summary>
    public TaskSetManager Submit(TaskSet set, ITaskSetListener listener)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(listener);
        var manager = new TaskSetManager(this, set, listener, Interlocked.Increment(ref _nextSequence));
        Post(s => s.Add(manager));
        return manager;
    }

    /// <summary>Aborts <paramref name="manager"/>'s set: pending tasks are dropped, running ones killed; it finishes with <paramref name="reason"/>.</summary>
    public void Abort(TaskSetManager manager, Exception reason) => Post(s =>
    {
        if (s._managers.Contains(manager))
        {
            manager.Abort(reason);
            s.Revive();
        }
    });

    public void ExecutorAdded(ExecutorSlots executor) => Post(s =>
    {
        if (s._executors.Any(e => e.Id == executor.Id))
        {
            return;
        }

        s._executors.Add(new ExecutorState(executor));
        s.Revive();
    });

    public void ExecutorLost(string executorId, string reason) => Post(s =>
    {
        var state = s._executors.Find(e => e.Id == executorId);
        if (state is null)
        {
            return;
        }

        s._executors.Remove(state);
        s.LogExecutorLost(executorId, reason);
        foreach (var manager in s._managers.ToList())
        {
            foreach (var taskId in manager.ExecutorLost(executorId, reason))
            {
                s._owners.Remove(taskId);
            }
        }

        s.Revive();
    });

    public void TaskEnded(TaskResult result) => Post(s =>
    {
        var taskId = result.Description.TaskId;
        if (!s._owners.Remove(taskId, out var manager))
        {
            // Already accounted for: its executor was reported lost first.
            return;
        }

        if (s._executors.Find(e => e.Id == result.ExecutorId) is { } executor)
        {
            executor.Release(result.Description.Barrier is not null);
        }

        manager.TaskEnded(result);
        s.Revive();
    });

    /// <summary>Checks running tasks for speculation now (the timer does this every <see cref="SpeculationInterval"/>).</summary>
    internal void CheckSpeculation() => Post(s => s.OnSpeculationTimer());

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _localityTimer.Dispose();
        _speculationTimer?.Dispose();
    }

    internal long NextTaskId() => ++_nextTaskId;

    /// <summary>Starts an attempt on an executor: its slot is taken until the pool reports its end.</summary>
    internal void Launch(TaskSetManager manager, TaskDescription task, ExecutorState executor)
    {
        executor.Take(task.Barrier is not null);
        _owners.Add(task.TaskId, manager);
        manager.Listener.TaskStarted(task, executor.Id);
        _pool.Launch(task, executor.Id);
    }

    internal void Kill(long taskId, string executorId, string reason) => _pool.Kill(taskId, executorId, reason);

    /// <summary>Called by a manager once its last attempt has ended.</summary>
    internal void Remove(TaskSetManager manager)
    {
        _managers.Remove(manager);
        Commits.StageEnded(manager.Set.StageId, manager.Set.StageAttempt);
    }

    private void Add(TaskSetManager manager)
    {
        _managers.Add(manager);
        Commits.StageStarted(manager.Set.StageId, manager.Set.StageAttempt);
        if (Options.Speculation && !manager.Set.IsBarrier && _speculationTimer is null && !_disposed)
        {
            _speculationTimer = _time.CreateTimer(static state => ((TaskSetScheduler)state!).CheckSpeculation(), this, SpeculationInterval, SpeculationInterval);
        }

        manager.Start();
        Revive();
    }

    private void OnLocalityTimer()
    {
        _localityDue = null;
        Revive();
    }

    private void OnSpeculationTimer()
    {
        var now = Now;
        var any = false;
        foreach (var manager in _managers)
        {
            any |= manager.CheckSpeculatableTasks(now);
        }

        if (any)
        {
            Revive();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the lock, after the actions posted before it.</summary>
    private void Post(Action<TaskSetScheduler> action)
    {
        lock (_inboxLock)
        {
            _inbox.Enqueue(() => action(this));
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        Exception? failure = null;
        while (true)
        {
            Action next;
            lock (_inboxLock)
            {
                if (!_inbox.TryDequeue(out next!))
                {
                    _draining = false;
                    break;
                }
            }

            try
            {
                lock (_lock)
                {
                    next();
                }
            }
            catch (Exception e)
            {
                // A defect: keep draining so the scheduler is not wedged, and surface the first to the poster.
                LogInternalError(e);
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"The task scheduler failed: {failure.Message}", failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executor {ExecutorId} lost: {Reason}; its running tasks are queued again.")]
    private partial void LogExecutorLost(string executorId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The task scheduler failed.")]
    private partial void LogInternalError(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{TaskSet}: executor {ExecutorId} excluded after {Failures} failed tasks.")]
    internal partial void LogExcluded(string taskSet, string executorId, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "{TaskSet}: partition {Partition} runs {Elapsed} ms, longer than {Threshold} ms: launching a speculative copy.")]
    internal partial void LogSpeculating(string taskSet, int partition, long elapsed, long threshold);
}
