using Dataflow.Scheduling;

namespace Dataflow.Diagnostics;

/// <summary>
/// Works out skipped stages from bus events: a stage of a succeeded job (listed in its <see cref="JobStartEvent"/>)
/// that was not submitted while the job ran, because its shuffle output already existed. A map stage run for one job
/// and awaited by another counts as submitted for both. Not thread-safe: feed it from the bus's thread.
/// </summary>
internal sealed class SkippedStages
{
    private readonly Dictionary<int, (IReadOnlyList<StageInfo> Stages, HashSet<int> Submitted)> _running = [];

    /// <summary>Feeds one event; returns the stages skipped by the job <paramref name="e"/> ends, else nothing.</summary>
    public IReadOnlyList<StageInfo> Observe(DataflowEvent e)
    {
        switch (e)
        {
            case JobStartEvent start:
                _running[start.JobId] = (start.Stages, []);
                break;
            case StageSubmittedEvent submitted:
                foreach (var job in _running.Values)
                {
                    job.Submitted.Add(submitted.Stage.StageId);
                }

                break;
            case JobEndEvent end when _running.Remove(end.JobId, out var job) && end.Succeeded:
                return [.. job.Stages.Where(s => !job.Submitted.Contains(s.StageId))];
        }

        return [];
    }
}
