namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>Executor exclusion after repeated failures, per stage and per application, and its timeout.</summary>
public sealed class TaskSetExclusionTests
{
    [Fact]
    public void ExecutorWithTwoFailedTasksOfAStage_RunsNoMoreOfIt()
    {
        using var h = new TaskSchedulerHarness(o => o.ExcludeOnFailure = true);
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        var (_, listener) = h.Submit(4);
        h.Pool.Fail(h.Pool.RunningOf(0, "A"));
        // Partition 0 avoids A; A takes partition 2 and fails it too: A is now excluded from the stage.
        var second = h.Pool.Running.Values.Single(r => r.ExecutorId == "A").Task;
        h.Pool.Fail(second);
        Assert.DoesNotContain(h.Pool.Running.Values, r => r.ExecutorId == "A");

        while (h.Pool.Running.Count > 0)
        {
            h.Pool.Succeed(h.Pool.Running.Values.First().Task);
        }

        Assert.Null(listener.Failure);
        Assert.True(listener.IsFinished);
        Assert.Equal(2, h.Pool.Launched.Count(l => l.ExecutorId == "A"));
    }

    [Fact]
    public void WithoutExcludeOnFailure_FailingExecutorKeepsRunningTasks()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        h.Submit(4);
        h.Pool.Fail(h.Pool.RunningOf(0, "A"));
        h.Pool.Fail(h.Pool.Running.Values.Single(r => r.ExecutorId == "A").Task);

        Assert.Contains(h.Pool.Running.Values, r => r.ExecutorId == "A");
    }

    [Fact]
    public void EveryExecutorExcluded_FailsTheSet_SayingItCannotRunAnywhere()
    {
        using var h = new TaskSchedulerHarness(o => o.ExcludeOnFailure = true);
        h.Pool.AddExecutor("A", slots: 2);
        var (_, listener) = h.Submit(2);
        h.Pool.Fail(h.Pool.RunningOf(0), new FormatException("bad input"));
        h.Pool.Fail(h.Pool.RunningOf(1), new FormatException("bad input"));
        h.Pool.EndAllKilled();

        var failure = Assert.IsType<JobFailedException>(listener.Failure);
        Assert.Contains("cannot run anywhere", failure.Message, StringComparison.Ordinal);
        Assert.Contains("A", failure.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(failure.InnerException);
    }

    [Fact]
    public void FailuresInSuccessfulStages_ExcludeTheExecutorForTheApplication_UntilTheTimeout()
    {
        using var h = new TaskSchedulerHarness(o =>
        {
            o.ExcludeOnFailure = true;
            o.ExcludeStageMaxFailedTasksPerExecutor = 3;
        });
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B");
        var (_, first) = h.Submit(3);
        h.Pool.Fail(h.Pool.RunningOf(0, "A"));
        h.Pool.Fail(h.Pool.RunningOf(2, "A"));
        Assert.DoesNotContain(h.Pool.Running.Values, r => r.ExecutorId == "A");
        while (h.Pool.Running.Count > 0)
        {
            h.Pool.Succeed(h.Pool.Running.Values.First().Task);
        }

        Assert.Null(first.Failure);
        var launchedBefore = h.Pool.Launched.Count;
        h.Submit(2);
        Assert.Equal(["B"], h.Pool.Launched.Skip(launchedBefore).Select(l => l.ExecutorId));

        h.Clock.Advance(TimeSpan.FromHours(1));
        h.Pool.Succeed(h.Pool.Running.Values.Single().Task);
        Assert.Contains(h.Pool.Running.Values, r => r.ExecutorId == "A");
    }
}
