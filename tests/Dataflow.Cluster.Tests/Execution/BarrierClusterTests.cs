using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Scheduling;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Barrier stages on the cluster: the task scheduler launches the whole set at once on the workers' slots, the tasks
/// meet at the driver whatever worker they run on, a failed task reruns the whole set, and a set larger than the
/// cluster's slots fails at once.
/// </summary>
public sealed class BarrierClusterTests
{
    private const int Slots = InProcessCluster.Workers * InProcessCluster.SlotsPerWorker;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BarrierAsync_OnTwoWorkers_ReleasesEveryTaskOnlyOnceAllHaveArrived()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;
        var rounds = await ctx.Parallelize(Enumerable.Range(0, Slots * 2), Slots).Barrier().SelectPartitions((context, items) =>
        {
            var sum = items.Sum();
            var times = new List<(int Round, long Arrived, long Released)>();
            for (var round = 0; round < 3; round++)
            {
                // Arrivals spread out: a release before the last arrival would show.
                Thread.Sleep(20 * ((context.PartitionId + round) % Slots));
                var arrived = DateTime.UtcNow.Ticks;
                context.BarrierAsync(context.TaskContext.CancellationToken).GetAwaiter().GetResult();
                times.Add((round, arrived, DateTime.UtcNow.Ticks));
            }

            return times.Select(t => (context.PartitionId, context.NumTasks, sum, t.Round, t.Arrived, t.Released));
        }).ToListAsync(Ct);

        Assert.Equal(Slots * 3, rounds.Count);
        Assert.All(rounds, r => Assert.Equal(Slots, r.NumTasks));
        Assert.Equal(Enumerable.Range(0, Slots).Select(p => (2 * p) + (2 * p) + 1), rounds.Where(r => r.Round == 0).OrderBy(r => r.PartitionId).Select(r => r.sum));
        foreach (var round in rounds.GroupBy(r => r.Round))
        {
            Assert.Equal(Slots, round.Select(r => r.PartitionId).Distinct().Count());
            Assert.True(round.Max(r => r.Arrived) <= round.Min(r => r.Released),
                $"round {round.Key}: a task was released at {round.Min(r => r.Released)}, before the last arrived at {round.Max(r => r.Arrived)}");
        }

        await ctx.Listeners.FlushAsync();
        var ends = recorder.Events.OfType<TaskEndEvent>().ToList();
        Assert.Equal(Slots, ends.Count);
        Assert.All(ends, e => Assert.True(e.Succeeded));
        // The tasks ran on both workers, so they met at the driver, not in one process.
        Assert.Equal(InProcessCluster.Workers, ends.Select(e => e.ExecutorId).Distinct().Count());
        Assert.Equal(0, ((OrleansBackend)ctx.Backend).BarrierCount);
    }

    [Fact]
    public async Task FailedBarrierTask_OnTheCluster_KillsTheOthers_AndTheWholeSetRunsAgain()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;
        var attempts = await ctx.Parallelize(Enumerable.Range(0, Slots), Slots).Barrier().SelectPartitions((context, items) =>
        {
            if (context.PartitionId == 1 && context.TaskContext.AttemptNumber == 0)
            {
                throw new InvalidOperationException("worker task 1 crashed");
            }

            // The other first attempts wait here for partition 1 until they are killed.
            context.Barrier();
            return new[] { context.TaskContext.AttemptNumber };
        }).ToListAsync(Ct);

        Assert.Equal(Enumerable.Repeat(1, Slots), attempts);
        await ctx.Listeners.FlushAsync();
        var ends = recorder.Events.OfType<TaskEndEvent>().ToList();
        Assert.Equal(2 * Slots, ends.Count);
        Assert.Single(ends, e => e.Error is InvalidOperationException);
        Assert.Equal(Slots - 1, ends.Count(e => e.Error is TaskKilledException));
        Assert.Equal(Slots, ends.Count(e => e.Succeeded && e.Task.Attempt == 1));
        Assert.Equal(0, ((OrleansBackend)ctx.Backend).BarrierCount);
    }

    [Fact]
    public async Task BarrierStage_WithMoreTasksThanTheClusterHasSlots_FailsAtOnce_NamingBothCounts()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => ctx.Parallelize(Enumerable.Range(0, Slots + 1), Slots + 1)
            .Barrier().SelectPartitions((context, items) => items).CountAsync(Ct));

        Assert.Contains($"{Slots + 1} tasks", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{Slots} barrier slots", failure.Message, StringComparison.Ordinal);
        await ctx.Listeners.FlushAsync();
        Assert.Empty(recorder.Events.OfType<TaskStartEvent>());
    }
}
