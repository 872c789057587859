using Dataflow.Scheduling;

namespace Dataflow.Tests.Scheduling.TaskSets;

/// <summary>One attempt per output partition is authorised to commit.</summary>
public sealed class OutputCommitCoordinatorTests
{
    [Fact]
    public void FirstAttemptToAsk_IsAuthorised_OthersAreDenied()
    {
        var coordinator = new OutputCommitCoordinator();
        coordinator.StageStarted(1, 0);

        Assert.True(coordinator.CanCommit(1, 0, 3, taskId: 10));
        Assert.False(coordinator.CanCommit(1, 0, 3, taskId: 11));
        Assert.True(coordinator.CanCommit(1, 0, 3, taskId: 10));
        Assert.True(coordinator.CanCommit(1, 0, 4, taskId: 11));
    }

    [Fact]
    public void AuthorisedAttemptFailing_LetsAnotherCommit()
    {
        var coordinator = new OutputCommitCoordinator();
        coordinator.StageStarted(1, 0);
        Assert.True(coordinator.CanCommit(1, 0, 3, taskId: 10));
        coordinator.AttemptFailed(1, 0, 3, taskId: 11);
        Assert.False(coordinator.CanCommit(1, 0, 3, taskId: 12));

        coordinator.AttemptFailed(1, 0, 3, taskId: 10);
        Assert.True(coordinator.CanCommit(1, 0, 3, taskId: 12));
    }

    [Fact]
    public void EndedStageAttempt_AuthorisesNobody_AndIsForgotten()
    {
        var coordinator = new OutputCommitCoordinator();
        coordinator.StageStarted(1, 0);
        coordinator.StageEnded(1, 0);

        Assert.False(coordinator.CanCommit(1, 0, 0, taskId: 1));
        Assert.Equal(0, coordinator.TrackedStageCount);
    }

    [Fact]
    public void Scheduler_ReleasesAuthorisationOfAFailedAttempt_ToItsRetry()
    {
        using var h = new TaskSchedulerHarness();
        h.Pool.AddExecutor("A");
        h.Submit(1);
        var first = h.Pool.RunningOf(0);
        Assert.True(h.Scheduler.Commits.CanCommit(first.StageId, first.StageAttempt, 0, first.TaskId));
        h.Pool.Fail(first);
        var retry = h.Pool.RunningOf(0);

        Assert.True(h.Scheduler.Commits.CanCommit(retry.StageId, retry.StageAttempt, 0, retry.TaskId));
        h.Pool.Succeed(retry);
        Assert.Equal(0, h.Scheduler.Commits.TrackedStageCount);
    }
}
