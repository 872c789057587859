namespace Dataflow.Scheduling;

internal sealed partial class TaskSetScheduler
{
    /// <summary>
    /// Hands free slots to the task sets until none can use one: each round offers the set with the fewest running
    /// attempts (then the oldest job) every executor with a free slot, most free first. A barrier set waiting for
    /// enough slots at once keeps sets behind it off shared slots, so it cannot be starved. Then arms the locality
    /// timer for the earliest moment a waiting set may run tasks at a lower locality level.
    /// </summary>
    private void Revive()
    {
        if (_disposed)
        {
            return;
        }

        var now = Now;
        Exclusion.Expire(now);
        // Backwards: an abort may finish a set, which removes it from the list.
        for (var i = _managers.Count - 1; i >= 0; i--)
        {
            if (i < _managers.Count)
            {
                _managers[i].AbortIfUnrunnable(now);
            }
        }

        while (LaunchOne(now))
        {
        }

        ArmLocalityTimer(now);
    }

    private bool LaunchOne(DateTimeOffset now)
    {
        if (_managers.Count == 0 || _executors.Count == 0)
        {
            return false;
        }

        var order = _managers.Count == 1 ? _managers : [.. _managers.OrderBy(m => m.RunningCount).ThenBy(m => m.Set.JobId).ThenBy(m => m.Sequence)];
        var executors = _executors.Count == 1 ? _executors : [.. _executors.OrderByDescending(e => e.FreeSlots)];
        var sharedSlotsReserved = false;
        foreach (var manager in order)
        {
            if (manager.Set.IsBarrier)
            {
                if (manager.TryLaunchBarrier(now))
                {
                    return true;
                }

                sharedSlotsReserved |= manager.WaitsForBarrierSlots && _executors.Any(e => e.BarrierSlots is null);
                continue;
            }

            foreach (var executor in executors)
            {
                if (executor.FreeSlots <= 0 || (sharedSlotsReserved && executor.BarrierSlots is null))
                {
                    continue;
                }

                if (manager.ResourceOffer(executor, now))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void ArmLocalityTimer(DateTimeOffset now)
    {
        DateTimeOffset? due = null;
        if (_executors.Any(e => e.FreeSlots > 0))
        {
            foreach (var manager in _managers)
            {
                if (manager.NextLocalityLevelAt(now) is { } at && (due is null || at < due))
                {
                    due = at;
                }
            }
        }

        if (due == _localityDue)
        {
            return;
        }

        _localityDue = due;
        var delay = due is { } d ? (d > now ? d - now : TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        _localityTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }
}
