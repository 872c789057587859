using Dataflow.Cluster.Tests.Support;
using Dataflow.Scheduling;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>Cached partitions live on the workers that computed them, and later tasks run there.</summary>
public sealed class CacheLocalityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CachedPartitions_LaterTasksRunOnTheExecutorsHoldingThem()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;
        var cached = ctx.Range(0, 8_000, 1, 8).Select(x => x * 2).Cache();

        Assert.Equal(8_000, await cached.CountAsync(Ct));
        await ctx.Listeners.FlushAsync();
        var first = recorder.Events.OfType<TaskEndEvent>().ToDictionary(e => e.Task.PartitionId, e => e.ExecutorId);
        recorder.Clear();

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(Enumerable.Range(0, 8_000).Sum(x => (long)x * 2), await cached.Select(x => (long)x).SumAsync(Ct));
        }

        await ctx.Listeners.FlushAsync();
        var later = recorder.Events.OfType<TaskEndEvent>().ToList();
        Assert.Equal(24, later.Count);
        Assert.All(later, e => Assert.Equal(first[e.Task.PartitionId], e.ExecutorId));
        Assert.Equal(2, first.Values.Distinct().Count());
    }
}
