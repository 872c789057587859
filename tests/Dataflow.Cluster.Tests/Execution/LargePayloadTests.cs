using Dataflow.Cluster.Tests.Support;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>Task binaries, broadcast values and task results larger than one chunk travel in chunks.</summary>
public sealed class LargePayloadTests
{
    [Fact]
    public async Task BinaryBroadcastAndResultsOfManyChunks_ArriveWhole()
    {
        var (ctx, _) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        var random = new Random(3);
        // 24 MiB of parallelized data in 2 partitions: each stage payload is about 12 MiB (three chunks).
        var rows = Enumerable.Range(0, 24).Select(_ => { var b = new byte[1 << 20]; random.NextBytes(b); return b; }).ToArray();
        var mask = new byte[10 << 20];
        random.NextBytes(mask);
        var shared = ctx.Broadcast(mask);

        // Each task returns its rows XOR-ed with the 10 MiB broadcast: results of about 12 MiB each.
        var result = await ctx.Parallelize(rows, 2)
            .Select(row => row.Select((b, i) => (byte)(b ^ shared.Value[i])).ToArray())
            .ToArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(rows.Length, result.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Select((b, i) => (byte)(b ^ mask[i])), result[r]);
        }
    }
}
