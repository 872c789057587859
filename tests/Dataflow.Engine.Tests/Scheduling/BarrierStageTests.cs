using System.Collections.Concurrent;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Scheduling;

/// <summary>Barrier stages in local mode: <c>rdd.Barrier().SelectPartitions(...)</c>.</summary>
public sealed class BarrierStageTests
{
    private static readonly ConcurrentDictionary<string, int> s_arrivals = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FourBarrierTasks_OnLocal2_AllPassEachBarrierTogether()
    {
        await using var ctx = new DataflowContext("local[2]");
        var key = TestSignals.NewKey();
        var seen = await ctx.Parallelize(Enumerable.Range(0, 8), 4).Barrier().SelectPartitions((context, items) =>
        {
            var sum = items.Sum();
            s_arrivals.AddOrUpdate(key + "/1", 1, (_, n) => n + 1);
            context.Barrier();
            // Nobody passes the first barrier before all four have reached it.
            var afterFirst = s_arrivals[key + "/1"];
            s_arrivals.AddOrUpdate(key + "/2", 1, (_, n) => n + 1);
            context.BarrierAsync(Ct).GetAwaiter().GetResult();
            var afterSecond = s_arrivals[key + "/2"];
            return new[] { (context.PartitionId, context.NumTasks, afterFirst, afterSecond, sum) };
        }).ToListAsync(Ct);

        Assert.Equal([(0, 4, 4, 4, 1), (1, 4, 4, 4, 5), (2, 4, 4, 4, 9), (3, 4, 4, 4, 13)], seen.OrderBy(s => s.PartitionId));
        Assert.Equal(0, ctx.Environment.Barriers.Count);
    }

    [Fact]
    public async Task FailedBarrierTask_KillsTheOthers_AndTheWholeStageRunsAgain()
    {
        await using var ctx = new DataflowContext("local[2]");
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var attempts = await ctx.Parallelize(Enumerable.Range(0, 4), 4).Barrier().SelectPartitions((context, items) =>
        {
            if (context.PartitionId == 1 && context.TaskContext.AttemptNumber == 0)
            {
                throw new InvalidOperationException("worker 1 crashed");
            }

            // The other first attempts wait here for partition 1 until they are killed.
            context.Barrier();
            return new[] { context.TaskContext.AttemptNumber };
        }).ToListAsync(Ct);

        Assert.Equal([1, 1, 1, 1], attempts);
        await ctx.Listeners.FlushAsync();
        var ends = recorder.Events.OfType<TaskEndEvent>().ToList();
        Assert.Equal(8, ends.Count);
        Assert.Single(ends, e => e.Error is InvalidOperationException);
        Assert.Equal(3, ends.Count(e => e.Error is TaskKilledException));
        Assert.Equal(0, ctx.Environment.Barriers.Count);
    }

    [Fact]
    public async Task BarrierStage_WithMoreTasksThanBarrierSlots_FailsAtOnce_NamingBothCounts()
    {
        await using var ctx = new DataflowContext("local[2]");
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var tooMany = Dataflow.Scheduling.Backends.LocalBackend.MinBarrierTasks + 1;
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => ctx.Parallelize(Enumerable.Range(0, tooMany), tooMany)
            .Barrier().SelectPartitions((context, items) => items).CountAsync(Ct));

        Assert.Contains($"{tooMany} tasks", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{Dataflow.Scheduling.Backends.LocalBackend.MinBarrierTasks} barrier slots", failure.Message, StringComparison.Ordinal);
        await ctx.Listeners.FlushAsync();
        Assert.Empty(recorder.Events.OfType<TaskStartEvent>());
    }

    [Fact]
    public async Task BarrierStage_AfterAShuffle_ReadsTheShuffledData()
    {
        await using var ctx = new DataflowContext("local[2]");
        var sums = await ctx.Parallelize(Enumerable.Range(0, 100), 3).Select(x => (x % 3, x)).ReduceByKey((a, b) => a + b, 3)
            .Barrier().SelectPartitions((context, items) =>
            {
                var local = items.ToList();
                context.Barrier();
                return local;
            }).ToDictionaryAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 100).GroupBy(x => x % 3).ToDictionary(g => g.Key, g => g.Sum()), sums);
    }
}
