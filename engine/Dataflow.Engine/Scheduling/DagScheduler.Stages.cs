using Dataflow.Diagnostics;
using Dataflow.Execution;
using Dataflow.Scheduling.Backends;
using Dataflow.Shuffle;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>
    /// Runs one attempt of <paramref name="stage"/> over <paramref name="partitions"/>: submits it to the task
    /// scheduler as a task set (which places, retries and speculates its tasks) and waits until the set has ended,
    /// every attempt of it included. A cancelled <paramref name="cancellationToken"/> aborts the set.
    /// </summary>
    private async Task RunStageAsync(Stage stage, ActiveJob job, IReadOnlyList<int> partitions, Action<int, object?> onSuccess, CancellationToken cancellationToken)
    {
        var attempt = stage.NewAttempt();
        var info = stage.Info(attempt, partitions.Count);
        _bus.Post(new StageSubmittedEvent(_context.Now, job.Id, info));
        var run = new StageRun(this, stage, job, onSuccess);
        var set = new TaskSet(job.Id, stage.Id, attempt, partitions, stage.CreateTask,
            [.. partitions.Select(p => PreferredLocations(stage.Rdd, p))], stage.CallSite, stage.IsBarrier);
        run.Manager = _tasks.Submit(set, run);
        Exception? failure;
        try
        {
            using var registration = cancellationToken.Register(static state =>
            {
                var (scheduler, run, token) = ((TaskSetScheduler, StageRun, CancellationToken))state!;
                scheduler.Abort(run.Manager!, new OperationCanceledException(token));
            }, (_tasks, run, cancellationToken));
            failure = await run.Completion.Task.ConfigureAwait(false);
        }
        finally
        {
            // Every task of the attempt has ended: what the backend keeps for it (its serialised stage) can go.
            (_backend as IExecutorCleanup)?.RemoveStageAttempt(stage.Id, attempt);
        }

        if (failure is null)
        {
            _bus.Post(new StageCompletedEvent(_context.Now, job.Id, info, run.Totals, null));
            return;
        }

        _bus.Post(new StageCompletedEvent(_context.Now, job.Id, info, run.Totals, failure is OperationCanceledException ? "cancelled" : failure.Message));
        if (failure is StageFetchFailedException)
        {
            // Forget what was lost (so it is recomputed, never read again); the job resubmits the unfinished partitions.
            foreach (var fetchFailure in run.FetchFailures)
            {
                await ForgetMapOutputAsync(fetchFailure).ConfigureAwait(false);
            }
        }

        if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        throw failure;
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

    /// <summary>
    /// One stage attempt as the task scheduler reports it: task events go to the bus; each partition's result is
    /// merged once (accumulators once per partition and job, cached blocks recorded) and handed on.
    /// </summary>
    private sealed class StageRun(DagScheduler scheduler, Stage stage, ActiveJob job, Action<int, object?> onSuccess) : ITaskSetListener
    {
        public TaskSetManager? Manager { get; set; }

        public TaskCompletionSource<Exception?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskMetrics Totals { get; } = new();

        public List<FetchFailedException> FetchFailures { get; } = [];

        private Exception? _handlerFailure;

        public void TaskStarted(TaskDescription task, string executorId) =>
            scheduler._bus.Post(new TaskStartEvent(scheduler._context.Now, Info(task)));

        public void TaskEnded(TaskResult result, TaskOutcome outcome)
        {
            scheduler._bus.Post(new TaskEndEvent(scheduler._context.Now, Info(result.Description), result.ExecutorId, result.Error, result.Metrics));
            // Lost executors count no failure (the task is retried all the same); a lost map output has its own line.
            if (outcome == TaskOutcome.Failed || (outcome == TaskOutcome.NotCounted && result.Error is not FetchFailedException))
            {
                var task = result.Description;
                var counted = (Manager?.FailuresOf(task.PartitionId) ?? task.Attempt) + (outcome == TaskOutcome.Failed ? 1 : 0);
                var remaining = scheduler._context.Options.Scheduler.MaxTaskFailures - counted;
                if (remaining > 0)
                {
                    scheduler._logger.TaskFailedRetrying(task.TaskId, task.StageId, task.StageAttempt, task.PartitionId, task.Attempt, result.ExecutorId,
                        EngineLog.Cause(result.Error), remaining);
                }
                else
                {
                    scheduler._logger.TaskFailedFinally(task.TaskId, task.StageId, task.StageAttempt, task.PartitionId, task.Attempt, result.ExecutorId,
                        EngineLog.Cause(result.Error));
                }
            }

            if (result.Error is FetchFailedException fetchFailure)
            {
                FetchFailures.Add(fetchFailure);
            }
        }

        public void PartitionSucceeded(TaskResult result)
        {
            var context = scheduler._context;
            var partition = result.Description.PartitionId;
            if (job.FirstCompletion(stage.Id, partition))
            {
                foreach (var update in result.AccumulatorUpdates)
                {
                    context.Accumulators.Merge(update);
                }
            }

            if (result.ExecutorId != context.Environment.ExecutorId)
            {
                foreach (var block in result.StoredBlocks)
                {
                    context.BlockLocations.Add(block, result.ExecutorId);
                }
            }

            try
            {
                onSuccess(partition, result.Value);
            }
            catch (Exception e)
            {
                // The action's own handler failed: the job fails with that error, as it would have on the driver.
                _handlerFailure ??= e;
                if (Manager is not null)
                {
                    scheduler._tasks.Abort(Manager, e);
                }
            }

            Totals.Add(result.Metrics);
        }

        public void Finished(Exception? failure) => Completion.TrySetResult(_handlerFailure ?? failure);

        private static TaskInfo Info(TaskDescription task) =>
            new(task.TaskId, task.JobId, task.StageId, task.StageAttempt, task.PartitionId, task.Attempt) { Speculative = task.Speculative };
    }
}
