using Dataflow.Cluster.Tests.Support;
using Dataflow.Scheduling;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>The cluster path itself: tasks run on both workers, reducers fetch remote blocks, results come back.</summary>
public sealed class SmokeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReduceByKey_OnTwoWorkers_EqualsLinqAndFetchesRemoteBlocks()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;
        var words = Enumerable.Range(0, 10_000).Select(i => "w" + (i * 7 % 101)).ToArray();

        var counts = await ctx.Parallelize(words, 8).Select(w => (w, 1)).ReduceByKey((a, b) => a + b, 5).ToDictionaryAsync(Ct);
        await ctx.Listeners.FlushAsync();

        Assert.Equal(words.GroupBy(w => w).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())), counts.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)));
        Assert.Equal(InProcessCluster.Workers * InProcessCluster.SlotsPerWorker, ctx.DefaultParallelism);
        var executors = recorder.Events.OfType<TaskEndEvent>().Select(e => e.ExecutorId).Distinct().ToList();
        Assert.Equal(InProcessCluster.Workers, executors.Count);
        Assert.DoesNotContain("driver", executors);
        var reduce = recorder.StagesRunSinceClear[^1];
        Assert.True(reduce.Metrics.ShuffleRemoteReadBytes > 0, "reducers read every block locally");
        Assert.True(reduce.Metrics.ShuffleRemoteReadBytes < reduce.Metrics.ShuffleReadBytes, "no block was read locally");
    }
}
