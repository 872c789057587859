namespace Dataflow.Scheduling;

/// <summary>Pending tasks per locality level and delay scheduling.</summary>
internal sealed partial class TaskSetManager
{
    // Pending tasks by where they prefer to run. A task is in the lists of every place it prefers and in _all; lists
    // are stacks (the lowest partition is taken first) cleaned lazily: an entry whose task is no longer queued is
    // skipped, so taking a task from one list needs no search of the others.
    private readonly Dictionary<string, List<int>> _forExecutor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _forHost = new(StringComparer.Ordinal);
    private readonly List<int> _noPreference = [];
    private readonly List<int> _all = [];
    private readonly bool[] _queued;
    private int _queuedCount;
    private int _queuedWithPreferences;

    // Delay scheduling: the level tasks may run at now, and since when the set has waited at it.
    private TaskLocality _level = TaskLocality.Process;
    private DateTimeOffset _levelSince;

    /// <summary>Tasks waiting to be launched.</summary>
    public int PendingCount => _queuedCount;

    /// <summary>
    /// The locality level tasks may run at now: the best level that still has pending tasks a live executor could
    /// run locally, lowered one level for every <c>LocalityWait</c> the set has waited at it without a local launch.
    /// Tasks that prefer no place run at once whatever the level.
    /// </summary>
    internal TaskLocality AllowedLocality(DateTimeOffset now)
    {
        var wait = Options.LocalityWait;
        if (wait <= TimeSpan.Zero)
        {
            return TaskLocality.Any;
        }

        var level = _level;
        while (level < TaskLocality.Any)
        {
            if (!HasLocalTasksAt(level))
            {
                level++;
            }
            else if (now - _levelSince >= wait)
            {
                _levelSince += wait;
                level++;
            }
            else
            {
                break;
            }
        }

        _level = level;
        return level;
    }

    /// <summary>When the allowed level drops next, if the set has tasks waiting for it; <c>null</c> if it never will.</summary>
    internal DateTimeOffset? NextLocalityLevelAt(DateTimeOffset now)
    {
        if (_zombie || _finished || Set.IsBarrier || _queuedCount == 0 || AllowedLocality(now) == TaskLocality.Any)
        {
            return null;
        }

        // Tasks that prefer no place never wait: only those with preferred places can be held back.
        return _queuedWithPreferences == 0 ? null : _levelSince + Options.LocalityWait;
    }

    private bool HasLocalTasksAt(TaskLocality level) => level switch
    {
        TaskLocality.Process => _forExecutor.Count > 0 && _scheduler.Executors.Any(e => _forExecutor.TryGetValue(e.Id, out var l) && HasQueued(l)),
        TaskLocality.Host => _forHost.Count > 0 && _scheduler.Executors.Any(e => _forHost.TryGetValue(e.Host, out var l) && HasQueued(l)),
        TaskLocality.NoPreference => HasQueued(_noPreference),
        _ => true,
    };

    private void Queue(int index)
    {
        if (_queued[index])
        {
            return;
        }

        _queued[index] = true;
        _queuedCount++;
        var preferences = Set.PreferredLocations[index];
        if (preferences.Count > 0)
        {
            _queuedWithPreferences++;
        }

        foreach (var place in preferences)
        {
            // A place is an executor id or a host; it is matched against both.
            Add(_forExecutor, place, index);
            Add(_forHost, place, index);
        }

        if (preferences.Count == 0)
        {
            _noPreference.Add(index);
        }

        _all.Add(index);

        static void Add(Dictionary<string, List<int>> lists, string key, int index)
        {
            if (!lists.TryGetValue(key, out var list))
            {
                list = [];
                lists.Add(key, list);
            }

            list.Add(index);
        }
    }

    private void Unqueue(int index)
    {
        if (_queued[index])
        {
            _queued[index] = false;
            _queuedCount--;
            if (Set.PreferredLocations[index].Count > 0)
            {
                _queuedWithPreferences--;
            }
        }
    }

    /// <summary>The best pending task for <paramref name="executor"/> at <paramref name="allowed"/> or better.</summary>
    private (int Index, TaskLocality Locality)? Dequeue(ExecutorState executor, TaskLocality allowed)
    {
        if (_forExecutor.TryGetValue(executor.Id, out var local) && TryTake(local, executor, out var index))
        {
            return (index, TaskLocality.Process);
        }

        if (allowed >= TaskLocality.Host && _forHost.TryGetValue(executor.Host, out var onHost) && TryTake(onHost, executor, out index))
        {
            return (index, TaskLocality.Host);
        }

        if (TryTake(_noPreference, executor, out index))
        {
            return (index, TaskLocality.NoPreference);
        }

        if (allowed >= TaskLocality.Any && TryTake(_all, executor, out index))
        {
            return (index, TaskLocality.Any);
        }

        return null;
    }

    private bool TryTake(List<int> list, ExecutorState executor, out int index)
    {
        for (var k = list.Count - 1; k >= 0; k--)
        {
            var candidate = list[k];
            if (!_queued[candidate])
            {
                if (k == list.Count - 1)
                {
                    list.RemoveAt(k);
                }

                continue;
            }

            if (!MayRunOn(candidate, executor.Id))
            {
                continue;
            }

            list.RemoveAt(k);
            index = candidate;
            return true;
        }

        index = -1;
        return false;
    }

    private bool HasQueued(List<int> list)
    {
        while (list.Count > 0 && !_queued[list[^1]])
        {
            list.RemoveAt(list.Count - 1);
        }

        for (var k = list.Count - 1; k >= 0; k--)
        {
            if (_queued[list[k]])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A retry is not placed on an executor where the task already failed while another executor that may run it
    /// exists; with none, it runs there again rather than not at all.
    /// </summary>
    private bool MayRunOn(int index, string executorId)
    {
        var failedOn = _failedOn[index];
        return failedOn is null || !failedOn.Contains(executorId) ||
            !_scheduler.Executors.Any(e => !failedOn.Contains(e.Id) && !IsExcluded(e.Id));
    }
}
