using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Scheduling;
using Dataflow.Shuffle;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>A corrupt block on a worker is a fetch failure: its map output is recomputed and the answer stays right.</summary>
public sealed class RemoteFetchFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ByteFlippedInAWorkersShuffleFile_MapOutputIsRecomputedAndTheResultIsRight()
    {
        var cluster = await SharedCluster.StartAsync();
        // Map outputs as files on the workers (never kept in memory): the test corrupts one.
        var (ctx, recorder) = await SharedCluster.NewContextAsync(o =>
        {
            o.Shuffle.Compress = false;
            o.Shuffle.InMemoryOutputThreshold = new Dataflow.Configuration.ByteSize(0);
        });
        await using var _ = ctx;
        var random = new Random(11);
        var data = Enumerable.Range(0, 40_000).Select(_ => (Key: random.Next(500), Value: (long)random.Next(1000))).ToArray();
        var expected = data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))).Order().ToList();
        var sums = ctx.Parallelize(data, 4).ReduceByKey((a, b) => a + b, 3);
        Assert.Equal(expected, (await sums.ToListAsync(Ct)).Order());

        var appId = ((OrleansBackend)ctx.Backend).AppId;
        var file = Directory.GetFiles(cluster.Root, "shuffle_*.data", SearchOption.AllDirectories)
            .Where(f => f.Contains(appId, StringComparison.Ordinal)).OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(file, bytes, Ct);
        recorder.Clear();

        Assert.Equal(expected, (await sums.ToListAsync(Ct)).Order());
        await ctx.Listeners.FlushAsync();
        Assert.Contains(recorder.Events.OfType<TaskEndEvent>(), e => e.Error is FetchFailedException);
    }
}
