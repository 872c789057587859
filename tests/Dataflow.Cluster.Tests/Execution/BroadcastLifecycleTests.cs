using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>A broadcast is fetched from the driver once per executor, again after unpersist, and never after destroy.</summary>
public sealed class BroadcastLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Broadcast_FetchedOncePerExecutorAgainAfterUnpersistAndRefusedAfterDestroy()
    {
        var (ctx, _) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        var backend = (OrleansBackend)ctx.Backend;
        var table = ctx.Broadcast(Enumerable.Range(0, 1_000).ToDictionary(i => i, i => i * i));
        var keys = ctx.Parallelize(Enumerable.Range(0, 1_000).ToArray(), 16);
        var expected = Enumerable.Range(0, 1_000).Sum(i => (long)i * i);

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(expected, await keys.Select(k => (long)table.Value[k]).SumAsync(Ct));
        }

        // 16 tasks in each of three jobs, over two executors: two fetches in all.
        Assert.Equal(InProcessCluster.Workers, backend.BroadcastFetches);

        await table.UnpersistAsync();
        Assert.Equal(expected, await keys.Select(k => (long)table.Value[k]).SumAsync(Ct));
        Assert.InRange(backend.BroadcastFetches, InProcessCluster.Workers + 1, InProcessCluster.Workers * 2);

        await table.DestroyAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => keys.Select(k => (long)table.Value[k]).SumAsync(Ct));
        Assert.Contains("was destroyed", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmallBroadcast_ComesWithItsManifest_NoPieceReadOrKeptOnWorkers()
    {
        var cluster = await SharedCluster.StartAsync();
        var (ctx, _) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        var backend = (OrleansBackend)ctx.Backend;
        var weights = ctx.Broadcast(Enumerable.Range(0, 100).Select(i => i * 0.5).ToArray());
        var rows = ctx.Parallelize(Enumerable.Range(0, 100).ToArray(), 8);

        var sum = await rows.Select(i => weights.Value[i]).SumAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 100).Sum(i => i * 0.5), sum, 9);
        Assert.Equal(InProcessCluster.Workers, backend.BroadcastFetches);
        Assert.Equal(0, backend.BroadcastPieceReads);
        var pieces = Directory.EnumerateFiles(cluster.Root, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.Combine("apps", backend.AppId, "broadcast"), StringComparison.Ordinal));
        Assert.Empty(pieces);

        // Destroyed: the workers drop their copies in the background, and nothing can use it again.
        await weights.DestroyAsync();
        await backend.CleanupsDrainedAsync();
        Assert.Equal(0, backend.ServedBroadcastCount);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => rows.Select(i => weights.Value[i]).SumAsync(Ct));
        Assert.Contains("was destroyed", error.ToString(), StringComparison.Ordinal);
    }
}
