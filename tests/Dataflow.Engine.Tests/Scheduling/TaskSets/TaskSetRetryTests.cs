using Dataflow.Scheduling;
using Dataflow.Shuffle;

namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>Retries, lost executors, aborts and fair sharing.</summary>
public sealed class TaskSetRetryTests
{
    [Fact]
    public void FailedTask_IsRetriedOnAnotherExecutor()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        var (_, listener) = h.Submit(1);
        var first = h.Pool.RunningOf(0);
        Assert.Equal("A", h.Pool.ExecutorOf(first));

        h.Pool.Fail(first);
        var retry = h.Pool.RunningOf(0);
        Assert.Equal("B", h.Pool.ExecutorOf(retry));
        Assert.Equal(1, retry.Attempt);
        h.Pool.Succeed(retry);

        Assert.True(listener.IsFinished);
        Assert.Null(listener.Failure);
        Assert.Equal([TaskOutcome.Failed, TaskOutcome.Succeeded], listener.Ended.Select(e => e.Outcome));
    }

    [Fact]
    public void FailedTask_WithOnlyOneExecutor_IsRetriedThere()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A");
        h.Submit(1);
        h.Pool.Fail(h.Pool.RunningOf(0));

        Assert.Equal("A", h.Pool.ExecutorOf(h.Pool.RunningOf(0)));
    }

    [Fact]
    public void TaskFailingMaxTaskFailuresTimes_FailsTheSetWithTheCause()
    {
        using var h = new TaskSchedulerHarness(o => o.MaxTaskFailures = 3);
        h.Pool.AddExecutor("A", slots: 2);
        var (_, listener) = h.Submit(2);
        h.Pool.Succeed(h.Pool.RunningOf(0));
        for (var i = 0; i < 3; i++)
        {
            h.Pool.Fail(h.Pool.RunningOf(1), new FormatException($"bad record {i}"));
        }

        var failure = Assert.IsType<JobFailedException>(listener.Failure);
        Assert.Equal(1, failure.Partition);
        Assert.Equal(2, failure.Attempt);
        Assert.Equal("bad record 2", failure.InnerException!.Message);
        Assert.Equal(3, h.Pool.Launched.Count(l => l.Task.PartitionId == 1));
        Assert.Equal(0, h.Scheduler.ActiveTaskSetCount);
    }

    [Fact]
    public void LostExecutor_RequeuesItsTasks_WithoutCountingFailures()
    {
        using var h = new TaskSchedulerHarness(o => o.MaxTaskFailures = 1);
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        var (_, listener) = h.Submit(2);
        h.Pool.LoseExecutor("A");
        h.Pool.Succeed(h.Pool.RunningOf(1));
        var rerun = h.Pool.RunningOf(0);
        Assert.Equal("B", h.Pool.ExecutorOf(rerun));
        h.Pool.Succeed(rerun);

        Assert.Null(listener.Failure);
        Assert.True(listener.IsFinished);
        var lost = Assert.Single(listener.Ended, e => e.Outcome == TaskOutcome.NotCounted);
        Assert.IsType<ExecutorLostException>(lost.Result.Error);
    }

    [Fact]
    public void ResultSayingExecutorLost_IsNotCounted()
    {
        using var h = new TaskSchedulerHarness(o => o.MaxTaskFailures = 1);
        h.Pool.AddExecutor("A");
        var (_, listener) = h.Submit(1);
        h.Pool.Fail(h.Pool.RunningOf(0), new ExecutorLostException("A", "connection reset", null));
        h.Pool.Succeed(h.Pool.RunningOf(0));

        Assert.Null(listener.Failure);
    }

    [Fact]
    public void FetchFailure_AbortsTheAttempt_WithStageFetchFailed_AfterRunningTasksEnd()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 2);
        var (_, listener) = h.Submit(3);
        var other = h.Pool.RunningOf(1);
        h.Pool.Fail(h.Pool.RunningOf(0), new FetchFailedException(new ShuffleBlockId(7, 0, 0), "A", "gone"));

        Assert.False(listener.IsFinished);
        Assert.Contains(h.Pool.Killed, k => k.TaskId == other.TaskId);
        Assert.Equal(2, h.Pool.Launched.Count);
        h.Pool.EndKilled(other);

        var failure = Assert.IsType<StageFetchFailedException>(listener.Failure);
        Assert.Equal(7, failure.Cause.Block.ShuffleId);
        Assert.Equal(TaskOutcome.Killed, listener.Ended[^1].Outcome);
        Assert.IsType<TaskKilledException>(listener.Ended[^1].Result.Error);
    }

    [Fact]
    public void Abort_KillsRunningTasks_AndFinishesOnceTheyEnd()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 2);
        var (manager, listener) = h.Submit(5);
        h.Scheduler.Abort(manager, new OperationCanceledException("job cancelled"));

        Assert.Equal(2, h.Pool.Killed.Count);
        Assert.False(listener.IsFinished);
        h.Pool.EndAllKilled();

        Assert.Equal("job cancelled", Assert.IsType<OperationCanceledException>(listener.Failure).Message);
        Assert.Equal(1, listener.FinishedCalls);
        Assert.Equal(2, h.Pool.Launched.Count);
        Assert.Equal(0, h.Scheduler.ActiveTaskSetCount);
    }

    [Fact]
    public void EmptyTaskSet_FinishesAtOnce()
    {
        using var h = new TaskSchedulerHarness();
        var (_, listener) = h.Submit(0);

        Assert.True(listener.IsFinished);
        Assert.Null(listener.Failure);
    }

    [Fact]
    public void TwoJobs_ShareSlotsFairly_SmallJobIsNotStarvedByBigOne()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 2);
        var (_, big) = h.Submit(10, jobId: 0);
        var (_, small) = h.Submit(2, jobId: 1);
        Assert.All(h.Pool.Launched, l => Assert.Equal(0, l.Task.JobId));

        // Each freed slot goes to the job with fewer running tasks (the older job on a tie).
        h.Pool.Succeed(h.Pool.Running.Values.First(r => r.Task.JobId == 0).Task);
        h.Pool.Succeed(h.Pool.Running.Values.First(r => r.Task.JobId == 0).Task);
        h.Pool.Succeed(h.Pool.Running.Values.First(r => r.Task.JobId == 1).Task);
        Assert.Equal([0, 0, 1, 0, 1], h.Pool.Launched.Select(l => l.Task.JobId));
        h.Pool.Succeed(h.Pool.Running.Values.First(r => r.Task.JobId == 1).Task);

        Assert.True(small.IsFinished);
        Assert.False(big.IsFinished);
    }

    [Fact]
    public void ExecutorAddedLater_GetsPendingTasks()
    {
        using var h = new TaskSchedulerHarness();
        h.Submit(2);
        Assert.Empty(h.Pool.Launched);
        h.Pool.AddExecutor("A", slots: 2);

        Assert.Equal(2, h.Pool.Launched.Count);
    }
}
