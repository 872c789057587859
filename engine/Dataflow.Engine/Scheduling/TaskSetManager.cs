using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.Shuffle;

namespace Dataflow.Scheduling;

/// <summary>
/// Runs one <see cref="TaskSet"/> for the <see cref="TaskSetScheduler"/>: which task to launch when a slot is
/// offered (locality, delay scheduling, retries away from the executor that failed, exclusion, speculative copies,
/// barrier launch), what an ended attempt means (success, a failure counted against the task, a loss not counted,
/// a kill), and when the set is done or must be aborted.
/// </summary>
/// <remarks>
/// <para>Spark: TaskSetManager</para>
/// <para>
/// Every member runs under the scheduler's lock, one call at a time: the manager is a plain state machine. A set
/// finishes (<see cref="ITaskSetListener.Finished"/>) only once no attempt of it runs any more, so a job never
/// ends while one of its tasks may still write a temporary file.
/// </para>
/// </remarks>
internal sealed partial class TaskSetManager
{
    private readonly TaskSetScheduler _scheduler;
    private readonly int _numTasks;
    private readonly bool[] _succeeded;
    private readonly int[] _failures;
    private readonly int[] _nextAttempt;
    private readonly HashSet<string>?[] _failedOn;
    private readonly Dictionary<long, RunningAttempt> _running = [];
    private readonly Dictionary<string, HashSet<int>> _failedTasksByExecutor = new(StringComparer.Ordinal);
    private readonly HashSet<string> _excluded = new(StringComparer.Ordinal);
    private int _succeededCount;
    private bool _zombie;
    private bool _finished;
    private Exception? _failure;
    private Exception? _lastFailure;

    internal TaskSetManager(TaskSetScheduler scheduler, TaskSet set, ITaskSetListener listener, long sequence)
    {
        if (set.PreferredLocations.Count != set.Partitions.Count)
        {
            throw new ArgumentException($"{set}: {set.Partitions.Count} partitions but {set.PreferredLocations.Count} preferred-location lists.", nameof(set));
        }

        _scheduler = scheduler;
        Set = set;
        Listener = listener;
        Sequence = sequence;
        _numTasks = set.Partitions.Count;
        _succeeded = new bool[_numTasks];
        _failures = new int[_numTasks];
        _nextAttempt = new int[_numTasks];
        _failedOn = new HashSet<string>?[_numTasks];
        _queued = new bool[_numTasks];
        _speculated = new bool[_numTasks];
    }

    public TaskSet Set { get; }

    public ITaskSetListener Listener { get; }

    /// <summary>Submission order, breaking ties in fair sharing.</summary>
    public long Sequence { get; }

    /// <summary>Attempts running now.</summary>
    public int RunningCount => _running.Count;

    /// <summary>Whether the set launches no more tasks (done or aborted) and waits for its running attempts to end.</summary>
    public bool IsZombie => _zombie;

    private SchedulerOptions Options => _scheduler.Options;

    /// <summary>Queues every task; called once, when the scheduler takes the set.</summary>
    internal void Start()
    {
        _levelSince = _scheduler.Now;
        for (var i = _numTasks - 1; i >= 0; i--)
        {
            Queue(i);
        }

        CheckFinished();
    }

    /// <summary>
    /// Launches a task on <paramref name="executor"/> if one may run there now: a pending task at the best
    /// allowed locality level, else a speculative copy. False when none may.
    /// </summary>
    internal bool ResourceOffer(ExecutorState executor, DateTimeOffset now)
    {
        if (_zombie || _finished || Set.IsBarrier || IsExcluded(executor.Id))
        {
            return false;
        }

        if (_queuedCount > 0 && Dequeue(executor, AllowedLocality(now)) is { } found)
        {
            LaunchAttempt(found.Index, executor, now, found.Locality, speculative: false, barrier: null);
            return true;
        }

        if (DequeueSpeculative(executor) is { } copy)
        {
            LaunchAttempt(copy, executor, now, TaskLocality.Any, speculative: true, barrier: null);
            return true;
        }

        return false;
    }

    /// <summary>Handles the end of one of this set's attempts.</summary>
    internal void TaskEnded(TaskResult result)
    {
        if (!_running.Remove(result.Description.TaskId, out var attempt))
        {
            return;
        }

        var index = attempt.Index;
        if (attempt.KilledBecause is { } reason)
        {
            AttemptDidNotSucceed(attempt);
            if (result.Succeeded)
            {
                Listener.TaskEnded(result, TaskOutcome.Discarded);
            }
            else
            {
                Listener.TaskEnded(result with { Error = new TaskKilledException(reason) }, TaskOutcome.Killed);
            }
        }
        else if (result.Succeeded)
        {
            Succeeded(attempt, result);
        }
        else
        {
            AttemptDidNotSucceed(attempt);
            switch (result.Error)
            {
                case FetchFailedException fetchFailure:
                    // Not the task's fault: a map output it read is gone. The DAG scheduler recomputes it and
                    // resubmits the unfinished partitions as a new stage attempt.
                    Listener.TaskEnded(result, TaskOutcome.NotCounted);
                    Abort(new StageFetchFailedException(Set.StageId, fetchFailure));
                    break;
                case ExecutorLostException or CommitDeniedException:
                    Listener.TaskEnded(result, TaskOutcome.NotCounted);
                    RetryNotCounted(index);
                    break;
                default:
                    Failed(attempt, result);
                    break;
            }
        }

        CheckFinished();
    }

    /// <summary>Re-queues, without counting, the attempts that ran on a lost executor; returns their task ids.</summary>
    internal List<long> ExecutorLost(string executorId, string reason)
    {
        var lost = _running.Values.Where(a => a.ExecutorId == executorId).ToList();
        foreach (var attempt in lost)
        {
            _running.Remove(attempt.Task.TaskId);
            AttemptDidNotSucceed(attempt);
            var result = new TaskResult(attempt.Task, null, new ExecutorLostException(executorId, reason, null), new TaskMetrics(), executorId);
            if (attempt.KilledBecause is not null)
            {
                Listener.TaskEnded(result, TaskOutcome.Killed);
                continue;
            }

            Listener.TaskEnded(result, TaskOutcome.NotCounted);
            RetryNotCounted(attempt.Index);
        }

        CheckFinished();
        return [.. lost.Select(a => a.Task.TaskId)];
    }

    /// <summary>Stops the set: nothing more is launched, running attempts are killed, and it finishes with <paramref name="reason"/>.</summary>
    internal void Abort(Exception reason)
    {
        if (_finished || (_zombie && _failure is not null) || _succeededCount == _numTasks)
        {
            return;
        }

        _zombie = true;
        _failure = reason;
        KillAll($"{Set} was aborted: {reason.Message}");
        CheckFinished();
    }

    /// <summary>
    /// Aborts the set when it can never run: a barrier set needing more slots at once than the non-excluded executors
    /// have in all, or a set whose pending tasks every executor is excluded from.
    /// </summary>
    internal void AbortIfUnrunnable(DateTimeOffset now)
    {
        var executors = _scheduler.Executors;
        if (_zombie || _finished || executors.Count == 0)
        {
            return;
        }

        if (Set.IsBarrier)
        {
            var capacity = executors.Where(e => !IsExcluded(e.Id)).Sum(e => e.BarrierCapacity);
            if (capacity < _numTasks)
            {
                Abort(new JobFailedException(
                    $"Job {Set.JobId}: barrier {Set} needs its {_numTasks} tasks running at once, but the executors have {capacity} barrier slots in all " +
                    $"({executors.Count} executors{(executors.Any(e => IsExcluded(e.Id)) ? ", excluded ones not counted" : "")}). " +
                    "Use fewer partitions (Coalesce) or more executors or cores."));
            }

            return;
        }

        if (_queuedCount > 0 && executors.All(e => IsExcluded(e.Id)))
        {
            var message = $"Job {Set.JobId}: {Set} cannot run anywhere: every executor ({string.Join(", ", executors.Select(e => e.Id))}) is excluded " +
                "after repeated task failures (Dataflow:Scheduler:ExcludeOnFailure). Fix the failing tasks, add executors, or raise " +
                "Dataflow:Scheduler:ExcludeStageMaxFailedTasksPerExecutor and ExcludeApplicationMaxFailedTasksPerExecutor.";
            Abort(_lastFailure is null ? new JobFailedException(message) : new JobFailedException(message, _lastFailure));
        }
    }

    private bool IsExcluded(string executorId) =>
        Options.ExcludeOnFailure && (_excluded.Contains(executorId) || _scheduler.Exclusion.IsExcluded(executorId));

    private void LaunchAttempt(int index, ExecutorState executor, DateTimeOffset now, TaskLocality locality, bool speculative, BarrierLaunch? barrier)
    {
        Unqueue(index);
        var partition = Set.Partitions[index];
        var task = new TaskDescription(
            _scheduler.NextTaskId(), Set.JobId, Set.StageId, Set.StageAttempt, partition, _nextAttempt[index]++, Set.CreateTask(partition),
            Set.PreferredLocations[index])
        {
            Speculative = speculative,
            Barrier = barrier,
        };
        _running.Add(task.TaskId, new RunningAttempt(task, index, executor.Id, now));
        if (locality is TaskLocality.Process or TaskLocality.Host)
        {
            // Delay scheduling restarts from the level that just found a local slot.
            _level = locality;
            _levelSince = now;
        }

        _scheduler.Launch(this, task, executor);
    }

    private void Succeeded(RunningAttempt attempt, TaskResult result)
    {
        var index = attempt.Index;
        if (_succeeded[index] || _zombie)
        {
            Listener.TaskEnded(result, TaskOutcome.Discarded);
            return;
        }

        if (Set.IsBarrier)
        {
            BarrierTaskSucceeded(result);
            return;
        }

        _succeeded[index] = true;
        _succeededCount++;
        _durations.Add(_scheduler.Now - attempt.LaunchedAt);
        Listener.TaskEnded(result, TaskOutcome.Succeeded);
        Listener.PartitionSucceeded(result);
        foreach (var other in _running.Values.Where(a => a.Index == index && a.KilledBecause is null).ToList())
        {
            Kill(other, $"another attempt of partition {Set.Partitions[index]} of {Set} succeeded first");
        }

        if (_succeededCount == _numTasks)
        {
            _zombie = true;
        }
    }

    private void Failed(RunningAttempt attempt, TaskResult result)
    {
        var index = attempt.Index;
        _lastFailure = result.Error;
        Listener.TaskEnded(result, TaskOutcome.Failed);
        RecordFailureOn(attempt.ExecutorId, index);
        if (Set.IsBarrier)
        {
            BarrierTaskFailed(attempt, result.Error!);
            return;
        }

        _failures[index]++;
        (_failedOn[index] ??= new HashSet<string>(StringComparer.Ordinal)).Add(attempt.ExecutorId);
        if (_failures[index] >= Options.MaxTaskFailures)
        {
            Abort(new JobFailedException(Set.JobId, Set.StageId, Set.Partitions[index], _failures[index] - 1, Set.CallSite, result.Error!));
            return;
        }

        if (!_zombie && !_succeeded[index] && !IsRunning(index))
        {
            Queue(index);
        }
    }

    private void RetryNotCounted(int index)
    {
        if (Set.IsBarrier)
        {
            RestartBarrier(counted: false, cause: null, partition: Set.Partitions[index]);
        }
        else if (!_zombie && !_succeeded[index] && !IsRunning(index))
        {
            Queue(index);
        }
    }

    /// <summary>Counts a failed task against its executor for this stage, excluding the executor at the limit.</summary>
    private void RecordFailureOn(string executorId, int index)
    {
        if (!Options.ExcludeOnFailure)
        {
            return;
        }

        if (!_failedTasksByExecutor.TryGetValue(executorId, out var failed))
        {
            failed = [];
            _failedTasksByExecutor.Add(executorId, failed);
        }

        if (failed.Add(index) && failed.Count >= Options.ExcludeStageMaxFailedTasksPerExecutor && _excluded.Add(executorId))
        {
            _scheduler.LogExcluded(Set.ToString(), executorId, failed.Count);
        }
    }

    private void AttemptDidNotSucceed(RunningAttempt attempt) =>
        _scheduler.Commits.AttemptFailed(Set.StageId, Set.StageAttempt, attempt.Task.PartitionId, attempt.Task.TaskId);

    private bool IsRunning(int index) => _running.Values.Any(a => a.Index == index && a.KilledBecause is null);

    private void Kill(RunningAttempt attempt, string reason)
    {
        if (attempt.KilledBecause is not null)
        {
            return;
        }

        attempt.KilledBecause = reason;
        _scheduler.Kill(attempt.Task.TaskId, attempt.ExecutorId, reason);
    }

    private void KillAll(string reason)
    {
        foreach (var attempt in _running.Values.ToList())
        {
            Kill(attempt, reason);
        }
    }

    private void CheckFinished()
    {
        if (_finished || _running.Count > 0)
        {
            return;
        }

        if (_barrierRestart && !_zombie)
        {
            RelaunchBarrier();
            return;
        }

        if (!_zombie && _succeededCount < _numTasks)
        {
            return;
        }

        _finished = true;
        _zombie = true;
        _scheduler.Remove(this);
        if (_failure is null)
        {
            var counts = _failedTasksByExecutor.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
            foreach (var executor in _scheduler.Exclusion.RecordSuccessfulTaskSet(counts, _scheduler.Now))
            {
                _scheduler.LogExcluded("the application", executor, counts[executor]);
            }
        }

        Listener.Finished(_failure);
    }

    private sealed class RunningAttempt(TaskDescription task, int index, string executorId, DateTimeOffset launchedAt)
    {
        public TaskDescription Task { get; } = task;

        public int Index { get; } = index;

        public string ExecutorId { get; } = executorId;

        public DateTimeOffset LaunchedAt { get; } = launchedAt;

        /// <summary>Why the scheduler killed it, once it has; its end is then a kill whatever it reports.</summary>
        public string? KilledBecause { get; set; }
    }
}
