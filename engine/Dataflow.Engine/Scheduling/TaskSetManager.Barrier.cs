namespace Dataflow.Scheduling;

/// <summary>Barrier task sets: launched all at once, restarted as a whole.</summary>
internal sealed partial class TaskSetManager
{
    private readonly List<TaskResult> _barrierResults = [];
    private int _epoch;
    private int _barrierFailures;
    private bool _barrierRestart;

    /// <summary>Whether this is a barrier set whose tasks all wait for slots together.</summary>
    internal bool WaitsForBarrierSlots => Set.IsBarrier && !_zombie && !_finished && _running.Count == 0 && _queuedCount == _numTasks && _numTasks > 0;

    /// <summary>
    /// Launches every task of a waiting barrier set if the non-excluded executors have that many free slots now (each
    /// task on an executor holding its data where one has a slot, else on the one with most free); else none.
    /// </summary>
    internal bool TryLaunchBarrier(DateTimeOffset now)
    {
        if (!WaitsForBarrierSlots)
        {
            return false;
        }

        var free = _scheduler.Executors.Where(e => !IsExcluded(e.Id) && e.FreeBarrierSlots > 0).ToDictionary(e => e, e => e.FreeBarrierSlots);
        if (free.Values.Sum() < _numTasks)
        {
            return false;
        }

        var launch = new BarrierLaunch(_numTasks, _epoch);
        for (var index = 0; index < _numTasks; index++)
        {
            var preferences = Set.PreferredLocations[index];
            var local = free.Keys.FirstOrDefault(e => free[e] > 0 && (preferences.Contains(e.Id) || preferences.Contains(e.Host)));
            var executor = local ?? free.Where(p => p.Value > 0).MaxBy(p => p.Value).Key;
            free[executor]--;
            LaunchAttempt(index, executor, now, local is null ? TaskLocality.Any : TaskLocality.Process, speculative: false, launch);
        }

        return true;
    }

    private void BarrierTaskSucceeded(TaskResult result)
    {
        // Held back until every task of the launch has succeeded: a failure of another reruns them all.
        Listener.TaskEnded(result, TaskOutcome.Succeeded);
        _barrierResults.Add(result);
        if (_barrierResults.Count < _numTasks)
        {
            return;
        }

        foreach (var held in _barrierResults.OrderBy(r => r.Description.PartitionId))
        {
            var index = IndexOf(held.Description.PartitionId);
            _succeeded[index] = true;
            _succeededCount++;
            Listener.PartitionSucceeded(held);
        }

        _barrierResults.Clear();
        _zombie = true;
    }

    private void BarrierTaskFailed(RunningAttempt attempt, Exception error) =>
        RestartBarrier(counted: true, error, attempt.Task.PartitionId);

    /// <summary>Kills the launch's other tasks; once they have ended the whole set is launched again (a counted failure at most <c>MaxTaskFailures</c> times).</summary>
    private void RestartBarrier(bool counted, Exception? cause, int partition)
    {
        if (_zombie)
        {
            return;
        }

        if (counted && ++_barrierFailures >= Options.MaxTaskFailures)
        {
            Abort(new JobFailedException(Set.JobId, Set.StageId, partition, _barrierFailures - 1, Set.CallSite, cause!));
            return;
        }

        _barrierRestart = true;
        _barrierResults.Clear();
        KillAll($"another task of barrier {Set} failed; the whole set runs again");
    }

    private void RelaunchBarrier()
    {
        _barrierRestart = false;
        _epoch++;
        for (var i = _numTasks - 1; i >= 0; i--)
        {
            Queue(i);
        }
    }

    /// <summary>The failures counted so far against <paramref name="partition"/>'s task (for log lines).</summary>
    internal int FailuresOf(int partition) => _failures[IndexOf(partition)];

    private int IndexOf(int partition)
    {
        for (var i = 0; i < _numTasks; i++)
        {
            if (Set.Partitions[i] == partition)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{Set} has no partition {partition}.");
    }
}
