using Dataflow.Scheduling;

namespace Dataflow.Cluster.Tests.Support;

/// <summary>A task placed away from its cached partition reads the block from the executor holding it.</summary>
public sealed class RemoteCachedBlockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CachedPartitionOnAnotherExecutor_IsReadFromItNotComputedAgain()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync(o => o.Scheduler.LocalityWait = TimeSpan.Zero);
        await using var _ = ctx;
        var computed = ctx.LongAccumulator("computed");
        var cached = ctx.Range(0, 16_000, 1, 16).Select(x => { computed.Add(1); return x * 3; }).Cache();
        Assert.Equal(16_000, await cached.CountAsync(Ct));
        await ctx.Listeners.FlushAsync();
        var holders = recorder.Events.OfType<TaskEndEvent>().ToDictionary(e => e.Task.PartitionId, e => e.ExecutorId);
        recorder.Clear();

        // No locality wait: tasks go wherever a slot is free, so some run away from their partition's block.
        var sum = await cached.Select(x => { Thread.Sleep(1); return (long)x; }).SumAsync(Ct);
        await ctx.Listeners.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 16_000).Sum(x => x * 3L), sum);
        Assert.Contains(recorder.Events.OfType<TaskEndEvent>(), e => e.ExecutorId != holders[e.Task.PartitionId]);
        Assert.Equal(16_000, computed.Value);
    }
}
