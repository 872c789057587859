using Dataflow.Cluster.Tests.Support;
using Dataflow.MLlib.Cluster;
using Dataflow.MLlib.ParameterServer;

namespace Dataflow.Cluster.Tests.MLlib;

/// <summary>Shard grains on the in-process cluster's worker silos, driven by the same client as in local mode.</summary>
public sealed class ParameterShardGrainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GrainShards_Bsp_BlockUntilTheSlowestClocks_AndApplyByWorkerId()
    {
        var cluster = (await SharedCluster.StartAsync()).Cluster;
        var runId = Guid.NewGuid().ToString("N");
        var ranges = new KeyRanges(10, 3);
        var settings = new ShardSettings(2, "bsp", new UpdaterSpec("sgd", Step: 1, Decay: 0));
        var shards = await GrainShards.CreateAsync(cluster.Client, runId, ranges, settings);
        try
        {
            // 16-byte-plus chunks of one key each: every message of a 10-key read is its own grain call.
            var a = new PsClient(0, ranges, shards, Consistency.Bsp, maxChunkBytes: 25);
            var b = new PsClient(1, ranges, shards, Consistency.Bsp, maxChunkBytes: 25);
            int[] all = [.. Enumerable.Range(0, 10)];
            await a.PushAsync(all, [.. all.Select(k => -1.0 * k)]);
            await a.ClockAsync();
            var values = new double[10];
            var read = a.PullAsync(all, values, Ct); // clock 1 needs worker 1 at clock 1
            // Nothing is committed while worker 1 is at clock 0, and the read stays parked.
            Assert.Equal(new double[10], await PsClient.ReadModelAsync(ranges, shards));
            Assert.False(read.IsCompleted);
            await b.PushAsync([3], [-100.0]);
            await b.ClockAsync();
            await read;

            Assert.Equal(all.Select(k => k + (k == 3 ? 100.0 : 0)), values);
            Assert.Equal(1, a.BlockedReads);
            Assert.Equal(10, a.PullMessages);
            Assert.Equal(values, await PsClient.ReadModelAsync(ranges, shards));
        }
        finally
        {
            await GrainShards.RemoveAsync(cluster.Client, runId, ranges.Shards);
        }
    }

    [Fact]
    public async Task GrainShards_ResolveInsideTheSilos()
    {
        await SharedCluster.StartAsync();
        Assert.NotNull(ShardDirectory.RemoteResolver); // set by AddParameterServer on the test silos (same process)
    }
}
