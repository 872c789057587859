using Dataflow.Diagnostics;
using Dataflow.Execution;
using Dataflow.Scheduling.Backends;
using Dataflow.Shuffle;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>
    /// Runs one attempt of <paramref name="stage"/> over <paramref name="partitions"/>: every task is submitted to the
    /// backend at once (the backend queues them on its slots) and retried on failure up to the task failure limit.
    /// The first task that exhausts its attempts cancels the rest and fails the job.
    /// </summary>
    private async Task RunStageAsync(Stage stage, ActiveJob job, IReadOnlyList<int> partitions, Action<int, object?> onSuccess, CancellationToken cancellationToken)
    {
        var jobId = job.Id;
        var attempt = stage.NewAttempt();
        var info = stage.Info(attempt, partitions.Count);
        _bus.Post(new StageSubmittedEvent(_context.Now, jobId, info));
        var totals = new TaskMetrics();
        using var stageCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = partitions.Select(p => RunTaskAsync(stage, job, attempt, p, onSuccess, totals, stageCancellation)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Report the failure that caused the others' cancellation, not a cancellation.
            var failures = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
            var failure = failures.FirstOrDefault(e => e is JobFailedException) ?? failures.FirstOrDefault(e => e is not OperationCanceledException);
            _bus.Post(new StageCompletedEvent(_context.Now, jobId, info, totals, failure?.Message ?? "cancelled"));
            if (failure is not null)
            {
                throw failure;
            }

            throw;
        }
        finally
        {
            // Every task of the attempt has ended: what the backend keeps for it (its serialised stage) can go.
            (_backend as IExecutorCleanup)?.RemoveStageAttempt(stage.Id, attempt);
        }

        _bus.Post(new StageCompletedEvent(_context.Now, jobId, info, totals, null));
    }

    private async Task RunTaskAsync(
        Stage stage, ActiveJob job, int stageAttempt, int partition, Action<int, object?> onSuccess, TaskMetrics totals, CancellationTokenSource stageCancellation)
    {
        var jobId = job.Id;
        var token = stageCancellation.Token;
        for (var attempt = 0; ; attempt++)
        {
            token.ThrowIfCancellationRequested();
            var description = new TaskDescription(
                Interlocked.Increment(ref _nextTaskId), jobId, stage.Id, stageAttempt, partition, attempt, stage.CreateTask(partition), PreferredLocations(stage.Rdd, partition));
            var info = new TaskInfo(description.TaskId, jobId, stage.Id, stageAttempt, partition, attempt);
            _bus.Post(new TaskStartEvent(_context.Now, info));
            TaskResult result;
            try
            {
                result = await _backend.RunTaskAsync(description, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e)
            {
                _bus.Post(new TaskEndEvent(_context.Now, info, "", e, new TaskMetrics()));
                throw;
            }

            _bus.Post(new TaskEndEvent(_context.Now, info, result.ExecutorId, result.Error, result.Metrics));
            if (result.Succeeded)
            {
                if (job.FirstCompletion(stage.Id, partition))
                {
                    foreach (var update in result.AccumulatorUpdates)
                    {
                        _context.Accumulators.Merge(update);
                    }
                }

                if (result.ExecutorId != _context.Environment.ExecutorId)
                {
                    foreach (var block in result.StoredBlocks)
                    {
                        _context.BlockLocations.Add(block, result.ExecutorId);
                    }
                }

                onSuccess(partition, result.Value);
                lock (totals)
                {
                    totals.Add(result.Metrics);
                }

                return;
            }

            if (result.Error is FetchFailedException fetchFailure)
            {
                // Not the task's fault: the map output it read is lost or corrupt. Forget it (so it is recomputed,
                // never read again) and stop this stage attempt; the job resubmits the unfinished partitions.
                await ForgetMapOutputAsync(fetchFailure).ConfigureAwait(false);
                await stageCancellation.CancelAsync().ConfigureAwait(false);
                throw new StageFetchFailedException(stage.Id, fetchFailure);
            }

            if (attempt + 1 >= _maxTaskFailures)
            {
                _logger.TaskFailedFinally(info.TaskId, stage.Id, stageAttempt, partition, attempt, result.ExecutorId, EngineLog.Cause(result.Error));
                var failure = new JobFailedException(jobId, stage.Id, partition, attempt, stage.CallSite, result.Error!);
                await stageCancellation.CancelAsync().ConfigureAwait(false);
                throw failure;
            }

            _logger.TaskFailedRetrying(info.TaskId, stage.Id, stageAttempt, partition, attempt, result.ExecutorId, EngineLog.Cause(result.Error), _maxTaskFailures - attempt - 1);
        }
    }

    private async Task ForgetMapOutputAsync(FetchFailedException failure)
    {
        var block = failure.Block;
        if (block.MapId >= 0)
        {
            _mapOutputs.RemoveMapOutput(block.ShuffleId, block.MapId);
            _context.Environment.ShuffleManager.RemoveMapOutput(block.ShuffleId, block.MapId);
            if (_backend is IExecutorCleanup remote && failure.ExecutorId.Length > 0)
            {
                // Deleted on its worker before the map task runs again, or the new attempt's commit would lose to it there.
                await remote.RemoveMapOutputAsync(block.ShuffleId, block.MapId, failure.ExecutorId).ConfigureAwait(false);
            }
        }
        else if (failure.ExecutorId.Length > 0)
        {
            _mapOutputs.RemoveOutputsOnExecutor(failure.ExecutorId);
        }
    }
}
