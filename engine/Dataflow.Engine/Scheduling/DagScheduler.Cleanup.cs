namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
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
            }
        }
    }

    /// <summary>Forgets the stage of a shuffle that no RDD can read any more, unless a running job still uses it.</summary>
    internal void ForgetShuffle(int shuffleId)
    {
        lock (_lock)
        {
            if (_shuffleStages.TryGetValue(shuffleId, out var stage))
            {
                ReleaseStages([stage]);
            }
        }
    }
}
