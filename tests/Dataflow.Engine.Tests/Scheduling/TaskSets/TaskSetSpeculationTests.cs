using Dataflow.Scheduling;

namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>Speculative copies: when one is launched, that only one is, and what happens to the loser.</summary>
public sealed class TaskSetSpeculationTests
{
    private static TaskSchedulerHarness Start(out RecordingTaskSetListenerView view)
    {
        var h = new TaskSchedulerHarness(o => o.Speculation = true);
        foreach (var id in new[] { "A", "B", "C", "D" })
        {
            h.Pool.AddExecutor(id);
        }

        view = new RecordingTaskSetListenerView(h.Submit(4).Listener);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var p = 0; p < 3; p++)
        {
            h.Pool.Succeed(h.Pool.RunningOf(p));
        }

        return h;
    }

    [Fact]
    public void SlowTask_AfterQuantileFinished_GetsExactlyOneCopyOnAnotherExecutor()
    {
        using var h = Start(out _);
        var original = h.Pool.RunningOf(3);

        // The median is 1 s, so the threshold is 1.5 s: at 1.4 s nothing is copied yet.
        h.Clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(4, h.Pool.Launched.Count);
        h.Clock.Advance(TimeSpan.FromMilliseconds(200));
        var copy = Assert.Single(h.Pool.Launched, l => l.Task.Speculative);
        Assert.Equal(3, copy.Task.PartitionId);
        Assert.NotEqual(h.Pool.ExecutorOf(original), copy.ExecutorId);

        h.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(5, h.Pool.Launched.Count);
    }

    [Fact]
    public void CopyFinishingFirst_Wins_AndTheOriginalIsKilled()
    {
        using var h = Start(out var view);
        var original = h.Pool.RunningOf(3);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var copy = h.Pool.Launched.Single(l => l.Task.Speculative).Task;
        h.Pool.Succeed(copy, "copy");

        Assert.Contains(h.Pool.Killed, k => k.TaskId == original.TaskId);
        Assert.False(view.Listener.IsFinished);
        h.Pool.EndKilled(original);

        Assert.True(view.Listener.IsFinished);
        Assert.Null(view.Listener.Failure);
        Assert.Equal("copy", Assert.Single(view.Listener.Succeeded, r => r.Description.PartitionId == 3).Value);
        Assert.Equal(TaskOutcome.Killed, view.OutcomeOf(original));
    }

    [Fact]
    public void OriginalFinishingFirst_Wins_AndTheCopysOutputIsDiscarded()
    {
        using var h = Start(out var view);
        var original = h.Pool.RunningOf(3);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var copy = h.Pool.Launched.Single(l => l.Task.Speculative).Task;
        h.Pool.Succeed(original, "original");
        Assert.Contains(h.Pool.Killed, k => k.TaskId == copy.TaskId);

        // The kill came too late: the copy finished anyway. Its result is not the partition's.
        h.Pool.Succeed(copy, "copy");
        Assert.Equal("original", Assert.Single(view.Listener.Succeeded, r => r.Description.PartitionId == 3).Value);
        Assert.Equal(TaskOutcome.Discarded, view.OutcomeOf(copy));
        Assert.True(view.Listener.IsFinished);
    }

    [Fact]
    public void SpeculationOff_NeverCopies()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        h.Submit(2);
        h.Pool.Succeed(h.Pool.RunningOf(0));
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        h.Scheduler.CheckSpeculation();

        Assert.Equal(2, h.Pool.Launched.Count);
    }

    [Fact]
    public void ShortTasks_BelowMinimumRuntime_AreNotCopied()
    {
        using var h = new TaskSchedulerHarness(o => o.Speculation = true);
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        h.Submit(2);
        h.Clock.Advance(TimeSpan.FromMilliseconds(10));
        h.Pool.Succeed(h.Pool.RunningOf(0));
        // 1.5 × 10 ms is less than the 100 ms minimum.
        h.Clock.Advance(TimeSpan.FromMilliseconds(80));
        h.Scheduler.CheckSpeculation();
        Assert.Equal(2, h.Pool.Launched.Count);
        h.Clock.Advance(TimeSpan.FromMilliseconds(30));
        h.Scheduler.CheckSpeculation();
        Assert.Equal(3, h.Pool.Launched.Count);
    }

    /// <summary>The listener of the harness's set, with lookups.</summary>
    private sealed class RecordingTaskSetListenerView(Support.RecordingTaskSetListener listener)
    {
        public Support.RecordingTaskSetListener Listener { get; } = listener;

        public TaskOutcome OutcomeOf(TaskDescription task) => Listener.Ended.Single(e => e.Result.Description.TaskId == task.TaskId).Outcome;
    }
}
