using Microsoft.Extensions.Logging;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>
    /// The id and attempt count of each released map stage whose shuffle is still live, so that a stage created anew
    /// for it keeps its id (events, plans and logs name one stage per shuffle) without keeping its lineage.
    /// </summary>
    private readonly Dictionary<int, (int StageId, int Attempts)> _releasedStages = [];

    /// <summary>The map stages the scheduler keeps now (for tests: none of a finished job may remain).</summary>
    internal int MapStageCount
    {
        get
        {
            lock (_lock)
            {
                return _shuffleStages.Count;
            }
        }
    }

    /// <summary>The ids of released map stages kept for live shuffles (for tests: none once their shuffles are gone).</summary>
    internal int ReleasedStageIdCount
    {
        get
        {
            lock (_lock)
            {
                return _releasedStages.Count;
            }
        }
    }

    /// <summary>
    /// Forgets those of <paramref name="stages"/> that no running job needs, so that a finished job's stages (and the
    /// lineage they hold) are not kept for the context's lifetime. Their map outputs stay with the
    /// <see cref="Shuffle.MapOutputTracker"/>: a later job on the same shuffle creates the stage anew and skips it.
    /// Called under <c>_lock</c>.
    /// </summary>
    /// <remarks>Spark: DAGScheduler.cleanupStateForJobAndIndependentStages</remarks>
    private void ReleaseStages(IEnumerable<ShuffleMapStage> stages)
    {
        foreach (var stage in stages)
        {
            if (_runningMapStages.ContainsKey(stage.Id) || _activeJobs.Values.Any(job => job.MapStages.Contains(stage)))
            {
                continue;
            }

            if (_shuffleStages.TryGetValue(stage.Dependency.ShuffleId, out var kept) && ReferenceEquals(kept, stage))
            {
                _shuffleStages.Remove(stage.Dependency.ShuffleId);
                _releasedStages[stage.Dependency.ShuffleId] = (stage.Id, stage.Attempts);
            }
        }
    }

    /// <summary>The map stage of <paramref name="dependency"/>: a new one, or one continuing a released stage. Called under <c>_lock</c>.</summary>
    private ShuffleMapStage NewMapStage(Dependencies.ShuffleDependency dependency, IReadOnlyList<ShuffleMapStage> parents) =>
        _releasedStages.Remove(dependency.ShuffleId, out var released)
            ? new ShuffleMapStage(released.StageId, dependency, parents) { Attempts = released.Attempts }
            : new ShuffleMapStage(_nextStageId++, dependency, parents);

    /// <summary>Forgets the stage of a shuffle that no RDD can read any more, unless a running job still uses it.</summary>
    internal void ForgetShuffle(int shuffleId)
    {
        lock (_lock)
        {
            if (_shuffleStages.TryGetValue(shuffleId, out var stage))
            {
                ReleaseStages([stage]);
            }

            _releasedStages.Remove(shuffleId);
        }
    }

    /// <summary>Releases what the program can no longer reach (<see cref="ContextCleaner"/>); a failure is logged, never the job's.</summary>
    private async Task SweepUnreachableAsync()
    {
        try
        {
            await _context.Cleaner.SweepAsync(_context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "Releasing unreachable shuffles and broadcasts failed; they stay until the context is disposed.");
        }
    }
}
