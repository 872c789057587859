using Dataflow.Scheduling;

namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>Barrier task sets: all-or-nothing launch, fast failure, whole-set restart, no speculation.</summary>
public sealed class BarrierTaskSetTests
{
    [Fact]
    public void BarrierSet_LaunchesAllTasksTogether_OnlyWhenEnoughSlotsAreFree()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 2);
        h.Pool.AddExecutor("B", slots: 2);
        var (_, ordinary) = h.Submit(1, jobId: 0);
        var (_, barrier) = h.Submit(4, jobId: 1, barrier: true);
        Assert.Single(h.Pool.Launched);

        h.Pool.Succeed(h.Pool.RunningOf(0));
        var launched = h.Pool.Launched.Skip(1).ToList();
        Assert.Equal(4, launched.Count);
        Assert.All(launched, l => Assert.Equal(new BarrierLaunch(4, 0), l.Task.Barrier));
        Assert.Equal(2, launched.Count(l => l.ExecutorId == "A"));
        Assert.True(ordinary.IsFinished);
        Assert.False(barrier.IsFinished);
    }

    [Fact]
    public void BarrierSet_WaitingForSlots_KeepsLaterSetsOffThem()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 2);
        h.Submit(1, jobId: 0);
        h.Submit(2, jobId: 1, barrier: true);
        h.Submit(3, jobId: 2);
        Assert.Single(h.Pool.Launched);

        h.Pool.Succeed(h.Pool.RunningOf(0));
        Assert.Equal([1, 1], h.Pool.Launched.Skip(1).Select(l => l.Task.JobId));
    }

    [Fact]
    public void BarrierSet_WithMoreTasksThanSlotsInAll_FailsAtOnce_NamingBothCounts()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 2);
        h.Pool.AddExecutor("B", slots: 1);
        var (_, listener) = h.Submit(4, barrier: true);

        var failure = Assert.IsType<JobFailedException>(listener.Failure);
        Assert.Contains("4 tasks", failure.Message, StringComparison.Ordinal);
        Assert.Contains("3 barrier slots", failure.Message, StringComparison.Ordinal);
        Assert.Empty(h.Pool.Launched);
    }

    [Fact]
    public void DedicatedBarrierSlots_RunBarrierTasksBesideOrdinaryOnes()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("local", slots: 2, barrierSlots: 8);
        h.Submit(3, jobId: 0);
        h.Submit(4, jobId: 1, barrier: true);

        Assert.Equal(2, h.Pool.Launched.Count(l => l.Task.JobId == 0));
        Assert.Equal(4, h.Pool.Launched.Count(l => l.Task.JobId == 1));
    }

    [Fact]
    public void FailedBarrierTask_KillsTheOthers_AndTheWholeSetRunsAgain()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A", slots: 4);
        var (_, listener) = h.Submit(4, barrier: true);
        h.Pool.Succeed(h.Pool.RunningOf(0));
        h.Pool.Fail(h.Pool.RunningOf(1));

        Assert.Equal(2, h.Pool.Killed.Count);
        Assert.Empty(listener.Succeeded);
        Assert.Equal(4, h.Pool.Launched.Count);
        h.Pool.EndAllKilled();

        var second = h.Pool.Launched.Skip(4).ToList();
        Assert.Equal([0, 1, 2, 3], second.Select(l => l.Task.PartitionId).Order());
        Assert.All(second, l => Assert.Equal(1, l.Task.Barrier!.Epoch));
        foreach (var (task, _) in second)
        {
            h.Pool.Succeed(task);
        }

        Assert.Null(listener.Failure);
        Assert.Equal([0, 1, 2, 3], listener.Succeeded.Select(r => r.Description.PartitionId));
        Assert.All(listener.Succeeded, r => Assert.Equal(1, r.Description.Barrier!.Epoch));
    }

    [Fact]
    public void BarrierSet_FailingMaxTaskFailuresTimes_FailsTheJob()
    {
        using var h = new TaskSchedulerHarness(o => o.MaxTaskFailures = 2);
        h.Pool.AddExecutor("A", slots: 2);
        var (_, listener) = h.Submit(2, barrier: true);
        h.Pool.Fail(h.Pool.RunningOf(0));
        h.Pool.EndAllKilled();
        h.Pool.Fail(h.Pool.RunningOf(1), new FormatException("second"));
        h.Pool.EndAllKilled();

        var failure = Assert.IsType<JobFailedException>(listener.Failure);
        Assert.Equal("second", failure.InnerException!.Message);
        Assert.Equal(4, h.Pool.Launched.Count);
    }

    [Fact]
    public void LostExecutor_RestartsTheBarrierSet_WithoutCounting()
    {
        using var h = new TaskSchedulerHarness(o => o.MaxTaskFailures = 1);
        h.Pool.AddExecutor("A", slots: 1);
        h.Pool.AddExecutor("B", slots: 1);
        h.Pool.AddExecutor("C", slots: 1);
        var (_, listener) = h.Submit(2, barrier: true);
        var onB = h.Pool.Launched.Single(l => l.ExecutorId != "A" && h.Pool.Running.ContainsKey(l.Task.TaskId)).ExecutorId;
        h.Pool.LoseExecutor(onB);
        h.Pool.EndAllKilled();

        Assert.Null(listener.Failure);
        Assert.Equal(4, h.Pool.Launched.Count);
        Assert.DoesNotContain(h.Pool.Launched.Skip(2), l => l.ExecutorId == onB);
    }

    [Fact]
    public void BarrierSet_IsNeverSpeculated()
    {
        using var h = new TaskSchedulerHarness(o => o.Speculation = true);
        h.Pool.AddExecutor("A", slots: 4);
        h.Pool.AddExecutor("B", slots: 4);
        h.Submit(4, barrier: true);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var p = 0; p < 3; p++)
        {
            h.Pool.Succeed(h.Pool.RunningOf(p));
        }

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, h.Pool.Launched.Count);
    }
}
