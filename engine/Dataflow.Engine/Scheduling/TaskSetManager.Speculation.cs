namespace Dataflow.Scheduling;

/// <summary>Speculative copies of slow tasks.</summary>
internal sealed partial class TaskSetManager
{
    private readonly List<TimeSpan> _durations = [];
    private readonly bool[] _speculated;
    private readonly SortedSet<int> _speculatable = [];

    /// <summary>
    /// Once <c>SpeculationQuantile</c> of the set's tasks have succeeded, marks every task running longer than
    /// <c>SpeculationMultiplier</c> × the median successful duration (and at least <c>SpeculationMinRuntime</c>) for
    /// one copy on another executor. Barrier sets are never speculated. True when a task was marked.
    /// </summary>
    internal bool CheckSpeculatableTasks(DateTimeOffset now)
    {
        if (!Options.Speculation || Set.IsBarrier || _zombie || _finished || _durations.Count == 0)
        {
            return false;
        }

        var minFinished = Math.Max(1, (int)Math.Floor(Options.SpeculationQuantile * _numTasks));
        if (_succeededCount < minFinished)
        {
            return false;
        }

        var sorted = _durations.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var threshold = TimeSpan.FromTicks(Math.Max((long)(median.Ticks * Options.SpeculationMultiplier), Options.SpeculationMinRuntime.Ticks));
        var found = false;
        foreach (var attempt in _running.Values)
        {
            var index = attempt.Index;
            var elapsed = now - attempt.LaunchedAt;
            if (!_succeeded[index] && !_speculated[index] && attempt.KilledBecause is null && elapsed > threshold)
            {
                _speculated[index] = true;
                _speculatable.Add(index);
                _scheduler.LogSpeculating(Set.ToString(), Set.Partitions[index], (long)elapsed.TotalMilliseconds, (long)threshold.TotalMilliseconds);
                found = true;
            }
        }

        return found;
    }

    /// <summary>
    /// A task marked for a copy that may run on <paramref name="executor"/>: not where an attempt of it runs or
    /// failed, unless it is the only executor (local mode: the copy gets another of its threads).
    /// </summary>
    private int? DequeueSpeculative(ExecutorState executor)
    {
        if (_speculatable.Count == 0)
        {
            return null;
        }

        foreach (var index in _speculatable.ToList())
        {
            if (_succeeded[index] || !IsRunning(index))
            {
                _speculatable.Remove(index);
                continue;
            }

            var onlyExecutor = _scheduler.Executors.Count == 1;
            if (onlyExecutor || (_failedOn[index]?.Contains(executor.Id) != true && !_running.Values.Any(a => a.Index == index && a.ExecutorId == executor.Id)))
            {
                _speculatable.Remove(index);
                return index;
            }
        }

        return null;
    }
}
