using Dataflow.Diagnostics;
using Dataflow.Execution;
using Dataflow.Shuffle;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>A map stage may be re-run this many times in one job (after lost outputs) before the job gives up.</summary>
    private const int MaxStageAttemptsPerJob = 4;

    private readonly Dictionary<int, MapStageRun> _runningMapStages = [];
    private readonly Dictionary<int, ActiveJob> _activeJobs = [];

    /// <summary>Jobs and shared map-stage runs in progress (for tests: nothing may be left behind after a job).</summary>
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
        string? jobGroup,
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

        ActiveJob job;
        ResultStage stage;
        lock (_lock)
        {
            // Stages are found and the job registered in one step, so a job ending meanwhile cannot release them.
            var parents = GetOrCreateParentStages(rdd);
            stage = new ResultStage(_nextStageId++, rdd, parents, callSite, p => new ResultTask<T, TResult>(rdd, rdd.Partitions[p], func, callSite));
            job = new ActiveJob(_nextJobId++, jobGroup, cancellationToken) { MapStages = Ancestors(stage) };
            _activeJobs.Add(job.Id, job);
        }

        _bus.Post(new JobStartEvent(_context.Now, job.Id, callSite, [.. job.MapStages.Select(s => s.Info(0, s.Rdd.NumPartitions)), stage.Info(0, targets.Count)]));
        try
        {
            var remaining = new SortedSet<int>(targets);
            var handlerLock = new Lock();
            for (var attempt = 1; ; attempt++)
            {
                await RunMissingParentsAsync(stage, job).ConfigureAwait(false);
                try
                {
                    await RunStageAsync(stage, job, [.. remaining], (p, value) =>
                    {
                        lock (handlerLock)
                        {
                            // A partition's result is delivered once, even if its stage is resubmitted.
                            if (remaining.Remove(p))
                            {
                                resultHandler(p, (TResult)value!);
                            }
                        }
                    }, job.Cancellation.Token).ConfigureAwait(false);
                    break;
                }
                catch (StageFetchFailedException e) when (attempt < MaxStageAttemptsPerJob)
                {
                    _logger.FetchFailedResubmitting(job.Id, e.Message, remaining.Count);
                }
            }
            _bus.Post(new JobEndEvent(_context.Now, job.Id, true, null));
        }
        catch (Exception e)
        {
            await job.Cancellation.CancelAsync().ConfigureAwait(false);
            _bus.Post(new JobEndEvent(_context.Now, job.Id, false, e));
            throw;
        }
        finally
        {
            lock (_lock)
            {
                _activeJobs.Remove(job.Id);
                ReleaseStages(job.MapStages);
            }

            job.Dispose();
            await SweepUnreachableAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Cancels every running job of <paramref name="group"/>; other jobs, even those sharing a stage with them, go on.</summary>
    public async Task CancelJobGroupAsync(string group)
    {
        List<ActiveJob> jobs;
        lock (_lock)
        {
            jobs = [.. _activeJobs.Values.Where(j => j.Group == group)];
        }

        foreach (var job in jobs)
        {
            try
            {
                await job.Cancellation.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The job ended meanwhile.
            }
        }
    }

    /// <summary>
    /// Runs, in dependency order and concurrently where independent, every ancestor map stage whose output is not
    /// (or no longer) complete. A stage already being run for another job is awaited, not run twice.
    /// </summary>
    private async Task RunMissingParentsAsync(Stage stage, ActiveJob job)
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
                if (inFlight.ContainsKey(candidate.Id) || MissingParentStages(candidate).Count > 0)
                {
                    continue;
                }

                var count = attempts[candidate.Id] = attempts.GetValueOrDefault(candidate.Id) + 1;
                if (count > MaxStageAttemptsPerJob)
                {
                    throw new JobFailedException($"Job {job.Id}: stage {candidate.Id} ({candidate.CallSite}) still has missing outputs after {MaxStageAttemptsPerJob} attempts.");
                }

                inFlight[candidate.Id] = AwaitMapStageAsync(candidate, job);
            }

            if (inFlight.Count == 0)
            {
                throw new InvalidOperationException($"Job {job.Id}: no runnable stage among {missing.Count} missing ones; the stage graph is inconsistent.");
            }

            // Wait for one to finish, then look again: its children may have become runnable.
            await Task.WhenAny(inFlight.Values).ConfigureAwait(false);
            foreach (var id in inFlight.Where(pair => pair.Value.IsCompleted).Select(pair => pair.Key).ToList())
            {
                try
                {
                    await inFlight[id].ConfigureAwait(false);
                }
                catch (StageFetchFailedException e)
                {
                    // The stage's own input was lost; the next round recomputes it, then reruns this stage.
                    _logger.FetchFailedInMapStage(job.Id, e.Message);
                }

                inFlight.Remove(id);
            }
        }
    }

    /// <summary>Every map stage that must run before <paramref name="stage"/> can: missing parents, their missing parents, ...</summary>
    private List<ShuffleMapStage> MissingAncestors(Stage stage)
    {
        var missing = new List<ShuffleMapStage>();
        var seen = new HashSet<int>();
        var stack = new Stack<ShuffleMapStage>(MissingParentStages(stage));
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (!seen.Add(current.Id))
            {
                continue;
            }

            missing.Add(current);
            foreach (var parent in MissingParentStages(current))
            {
                stack.Push(parent);
            }
        }

        return missing;
    }

    /// <summary>
    /// Waits for a run of <paramref name="stage"/>, starting one if none is in progress. A run is shared by every
    /// job waiting for it and is cancelled only when the last of them stops waiting; a job that comes to a run being
    /// cancelled so waits for it to end and starts another, rather than failing with the other jobs' cancellation.
    /// </summary>
    private async Task AwaitMapStageAsync(ShuffleMapStage stage, ActiveJob job)
    {
        while (true)
        {
            MapStageRun run;
            bool joined;
            lock (_lock)
            {
                if (!_runningMapStages.TryGetValue(stage.Id, out run!))
                {
                    run = new MapStageRun();
                    _runningMapStages[stage.Id] = run;
                    run.Task = RunMapStageAsync(stage, job, run);
                }

                joined = !run.Abandoned;
                if (joined)
                {
                    run.Waiters++;
                }
            }

            if (!joined)
            {
                // Its end removes it from the running stages; the next round starts a run of this job's own.
                await run.Task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .WaitAsync(job.Cancellation.Token).ConfigureAwait(false);
                continue;
            }

            try
            {
                await run.Task.WaitAsync(job.Cancellation.Token).ConfigureAwait(false);
                return;
            }
            finally
            {
                bool abandon;
                lock (_lock)
                {
                    abandon = --run.Waiters == 0 && !run.Task.IsCompleted;
                    run.Abandoned |= abandon;
                }

                if (abandon)
                {
                    // Nobody needs the run any more: stop it, and end this job only after its tasks have cleaned up.
                    await run.Cancellation.CancelAsync().ConfigureAwait(false);
                    await run.Task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                        .ConfigureAwait(false);
                }
            }
        }
    }

    private async Task RunMapStageAsync(ShuffleMapStage stage, ActiveJob owner, MapStageRun run)
    {
        await Task.Yield();
        try
        {
            var missing = _mapOutputs.GetMissingPartitions(stage.Dependency.ShuffleId);
            await RunStageAsync(stage, owner, missing, (_, value) => _mapOutputs.RegisterMapOutput((MapStatus)value!), run.Cancellation.Token)
                .ConfigureAwait(false);
            ReportSkew(stage);
        }
        finally
        {
            lock (_lock)
            {
                _runningMapStages.Remove(stage.Id);
                ReleaseStages([stage]);
            }

            // The run's token source is not disposed: a waiter may still cancel it after this point, harmlessly.
        }
    }

    private sealed class MapStageRun
    {
        public Task Task { get; set; } = Task.CompletedTask;

        public CancellationTokenSource Cancellation { get; } = new();

        public int Waiters { get; set; }

        /// <summary>Its last waiter left before it ended: it is being cancelled, and no job joins it any more. Under <c>_lock</c>.</summary>
        public bool Abandoned { get; set; }
    }
}
