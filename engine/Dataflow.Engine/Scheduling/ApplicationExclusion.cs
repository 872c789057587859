using Dataflow.Configuration;

namespace Dataflow.Scheduling;

/// <summary>
/// Executors excluded for the whole application: one on which <c>ExcludeApplicationMaxFailedTasksPerExecutor</c>
/// tasks failed, counted over task sets that then succeeded, runs nothing for <c>ExcludeTimeout</c>. Each counted
/// failure also expires after that timeout. There is no host-level exclusion: local clusters put every worker on one
/// host. Changed under the scheduler's lock.
/// </summary>
/// <remarks>Spark: HealthTracker (executor level only)</remarks>
internal sealed class ApplicationExclusion(SchedulerOptions options)
{
    private readonly Dictionary<string, List<DateTimeOffset>> _failureExpiries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _excludedUntil = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="executorId"/> is excluded now.</summary>
    public bool IsExcluded(string executorId) => options.ExcludeOnFailure && _excludedUntil.ContainsKey(executorId);

    /// <summary>The executors excluded now.</summary>
    public IReadOnlyCollection<string> Excluded => _excludedUntil.Keys;

    /// <summary>Counts the failed tasks per executor of a task set that succeeded; returns the executors newly excluded.</summary>
    public IReadOnlyList<string> RecordSuccessfulTaskSet(IReadOnlyDictionary<string, int> failedTasksByExecutor, DateTimeOffset now)
    {
        var excluded = new List<string>();
        if (!options.ExcludeOnFailure)
        {
            return excluded;
        }

        foreach (var (executor, failures) in failedTasksByExecutor)
        {
            if (!_failureExpiries.TryGetValue(executor, out var expiries))
            {
                expiries = [];
                _failureExpiries.Add(executor, expiries);
            }

            expiries.RemoveAll(e => e <= now);
            expiries.AddRange(Enumerable.Repeat(now + options.ExcludeTimeout, failures));
            if (expiries.Count >= options.ExcludeApplicationMaxFailedTasksPerExecutor && _excludedUntil.TryAdd(executor, now + options.ExcludeTimeout))
            {
                excluded.Add(executor);
            }
        }

        return excluded;
    }

    /// <summary>Ends the exclusions and forgets the failures whose timeout has passed.</summary>
    public void Expire(DateTimeOffset now)
    {
        if (_excludedUntil.Count == 0 && _failureExpiries.Count == 0)
        {
            return;
        }

        foreach (var executor in _excludedUntil.Where(p => p.Value <= now).Select(p => p.Key).ToList())
        {
            _excludedUntil.Remove(executor);
            _failureExpiries.Remove(executor);
        }

        foreach (var (executor, expiries) in _failureExpiries.ToList())
        {
            expiries.RemoveAll(e => e <= now);
            if (expiries.Count == 0)
            {
                _failureExpiries.Remove(executor);
            }
        }
    }
}
