using Dataflow.Execution;
using Dataflow.Shuffle;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>A map stage may be re-run this many times in one job (after lost outputs) before the job gives up.</summary>
    private const int MaxStageAttemptsPerJob = 4;

    private readonly Dictionary<int, Task> _runningMapStages = [];
    private readonly HashSet<int> _activeJobs = [];

    /// <summary>Jobs currently running (for tests: nothing may be left behind after a job).</summary>
    internal int ActiveJobCount
    {
        get
        {
            lock (_lock)
            {
                return _activeJobs.Count + _runningMapStages.Count;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="func"/> on the given partitions of <paramref name="rdd"/>, first running every map stage
    /// whose output is missing, and hands each partition's result to <paramref name="resultHandler"/> (called one at a
    /// time, in completion order).
    /// </summary>
    public async Task RunJobAsync<T, TResult>(
        Rdd<T> rdd,
        Func<TaskContext, IEnumerable<T>, TResult> func,
        IReadOnlyList<int>? partitions,
        Action<int, TResult> resultHandler,
        CallSite callSite,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await PrepareLineageAsync(rdd, cancellationToken).ConfigureAwait(false);
        RddBase.EnsurePartitions(rdd);
        var targets = partitions ?? [.. Enumerable.Range(0, rdd.NumPartitions)];
        foreach (var p in targets)
        {
            if (p < 0 || p >= rdd.NumPartitions)
            {
                throw new ArgumentOutOfRangeException(nameof(partitions), $"{callSite}: partition {p} does not exist; RDD {rdd.Id} has {rdd.NumPartitions}.");
            }
        }

        var parents = GetOrCreateParentStages(rdd);
        int jobId;
        ResultStage stage;
        lock (_lock)
        {
            jobId = _nextJobId++;
            stage = new ResultStage(_nextStageId++, rdd, parents, callSite, p => new ResultTask<T, TResult>(rdd, rdd.Partitions[p], func, callSite));
            _activeJobs.Add(jobId);
        }

        _bus.Post(new JobStartEvent(_context.Now, jobId, callSite, [.. Ancestors(stage).Select(s => s.Info(0, s.Rdd.NumPartitions)), stage.Info(0, targets.Count)]));
        using var jobCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await RunMissingParentsAsync(stage, jobId, jobCancellation.Token).ConfigureAwait(false);
            var handlerLock = new Lock();
            await RunStageAsync(stage, jobId, targets, (p, value) =>
            {
                lock (handlerLock)
                {
                    resultHandler(p, (TResult)value!);
                }
            }, jobCancellation.Token).ConfigureAwait(false);
            _bus.Post(new JobEndEvent(_context.Now, jobId, true, null));
        }
        catch (Exception e)
        {
            await jobCancellation.CancelAsync().ConfigureAwait(false);
            _bus.Post(new JobEndEvent(_context.Now, jobId, false, e));
            throw;
        }
        finally
        {
            lock (_lock)
            {
                _activeJobs.Remove(jobId);
            }
        }
    }

    /// <summary>
    /// Runs, in dependency order and concurrently where independent, every ancestor map stage whose output is not
    /// (or no longer) complete. A stage already being run by another job is awaited, not run twice.
    /// </summary>
    private async Task RunMissingParentsAsync(Stage stage, int jobId, CancellationToken cancellationToken)
    {
        var attempts = new Dictionary<int, int>();
        var inFlight = new Dictionary<int, Task>();
        while (true)
        {
            var missing = MissingAncestors(stage);
            if (missing.Count == 0 && inFlight.Count == 0)
            {
                return;
            }

            foreach (var candidate in missing)
            {
                if (inFlight.ContainsKey(candidate.Id) || !candidate.Parents.All(p => _mapOutputs.IsAvailable(p.Dependency.ShuffleId)))
                {
                    continue;
                }

                var count = attempts[candidate.Id] = attempts.GetValueOrDefault(candidate.Id) + 1;
                if (count > MaxStageAttemptsPerJob)
                {
                    throw new JobFailedException($"Job {jobId}: stage {candidate.Id} ({candidate.CallSite}) still has missing outputs after {MaxStageAttemptsPerJob} attempts.");
                }

                inFlight[candidate.Id] = GetOrStartMapStage(candidate, jobId, cancellationToken);
            }

            if (inFlight.Count == 0)
            {
                throw new InvalidOperationException($"Job {jobId}: no runnable stage among {missing.Count} missing ones; the stage graph is inconsistent.");
            }

            // Wait for one to finish, then look again: its children may have become runnable.
            var finished = await Task.WhenAny(inFlight.Values).ConfigureAwait(false);
            await finished.ConfigureAwait(false);
            foreach (var id in inFlight.Where(pair => pair.Value.IsCompleted).Select(pair => pair.Key).ToList())
            {
                await inFlight[id].ConfigureAwait(false);
                inFlight.Remove(id);
            }
        }
    }

    private List<ShuffleMapStage> MissingAncestors(Stage stage)
    {
        var missing = new List<ShuffleMapStage>();
        var seen = new HashSet<int>();
        var stack = new Stack<ShuffleMapStage>(stage.Parents);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (!seen.Add(current.Id) || _mapOutputs.IsAvailable(current.Dependency.ShuffleId))
            {
                continue;
            }

            missing.Add(current);
            foreach (var parent in current.Parents)
            {
                stack.Push(parent);
            }
        }

        return missing;
    }

    private Task GetOrStartMapStage(ShuffleMapStage stage, int jobId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_runningMapStages.TryGetValue(stage.Id, out var running))
            {
                return running;
            }

            var run = RunMapStageAsync(stage, jobId, cancellationToken);
            _runningMapStages[stage.Id] = run;
            return run;
        }
    }

    private async Task RunMapStageAsync(ShuffleMapStage stage, int jobId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var missing = _mapOutputs.GetMissingPartitions(stage.Dependency.ShuffleId);
            await RunStageAsync(stage, jobId, missing, (_, value) => _mapOutputs.RegisterMapOutput((MapStatus)value!), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _runningMapStages.Remove(stage.Id);
            }
        }
    }
}
