using Dataflow.Scheduling;

namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>Locality levels and delay scheduling, on a fake pool and a fake clock.</summary>
public sealed class TaskSetLocalityTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);

    [Fact]
    public void ProcessLocalTask_WaitsForItsExecutor_ThenHostThenAny()
    {
        using var h = new TaskSchedulerHarness(o => o.LocalityWait = s_wait);
        h.Pool.AddExecutor("A", "h1");
        h.Pool.AddExecutor("B", "h1");
        h.Pool.AddExecutor("C", "h2");
        var (_, listener) = h.Submit(3, _ => ["A", "h1"]);

        Assert.Equal([(0, "A")], Launches(h));
        h.Clock.Advance(s_wait - TimeSpan.FromMilliseconds(1));
        Assert.Single(h.Pool.Launched);

        // One wait later the host level opens: B shares A's host; C does not.
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([(0, "A"), (1, "B")], Launches(h));

        // The host-local launch restarted the wait; a full one later any executor may run the last task.
        h.Clock.Advance(s_wait - TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, h.Pool.Launched.Count);
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([(0, "A"), (1, "B"), (2, "C")], Launches(h));
        Assert.False(listener.IsFinished);
    }

    [Fact]
    public void FreedLocalSlot_TakesWaitingTask_BeforeTheWaitExpires()
    {
        using var h = new TaskSchedulerHarness(o => o.LocalityWait = s_wait);
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B", "other");
        h.Submit(2, _ => ["A"]);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Pool.Succeed(h.Pool.RunningOf(0));

        Assert.Equal([(0, "A"), (1, "A")], Launches(h));
    }

    [Fact]
    public void TasksWithoutPreference_RunAtOnce_WhileLocalOnesWait()
    {
        using var h = new TaskSchedulerHarness(o => o.LocalityWait = s_wait);
        h.Pool.AddExecutor("A", "h1");
        h.Pool.AddExecutor("B", "h2");
        h.Submit(3, p => p == 2 ? [] : ["A"]);

        Assert.Equal([(0, "A"), (2, "B")], Launches(h));
    }

    [Fact]
    public void PreferencesForExecutorsThatAreGone_DoNotDelay()
    {
        using var h = new TaskSchedulerHarness(o => o.LocalityWait = s_wait);
        h.Pool.AddExecutor("A", "h1", slots: 2);
        h.Submit(2, _ => ["gone", "gone-host"]);

        Assert.Equal(2, h.Pool.Launched.Count);
    }

    [Fact]
    public void ZeroLocalityWait_RunsEverywhereAtOnce()
    {
        using var h = new TaskSchedulerHarness(o => o.LocalityWait = TimeSpan.Zero);
        h.Pool.AddExecutor("A");
        h.Pool.AddExecutor("B", "other");
        h.Submit(2, _ => ["A"]);

        Assert.Equal([(0, "A"), (1, "B")], Launches(h));
    }

    private static List<(int Partition, string Executor)> Launches(TaskSchedulerHarness h) =>
        [.. h.Pool.Launched.Select(l => (l.Task.PartitionId, l.ExecutorId))];
}
