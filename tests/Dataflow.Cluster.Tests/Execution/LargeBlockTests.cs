using Dataflow.Cluster.Tests.Support;
using Dataflow.Partitioning;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>Bulk data between workers travels in chunks far below Orleans' message limit.</summary>
public sealed class LargeBlockTests
{
    private const int RecordBytes = 64 * 1024;
    private const int Records = 300 * 16; // 300 MiB

    [Fact]
    public async Task ShuffleBlockOf300MiB_BetweenTwoWorkers_ArrivesWhole()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;

        // One map task writes every record into reduce partition 1 (incompressible bytes, so the block stays 300 MiB);
        // the scheduler puts reduce task 1 on the other worker (it has more free slots once task 0 took one here).
        var sums = await ctx.Range(0, Records, numSlices: 1)
            .Select(i => (Key: 1, Value: Payload(i)))
            .PartitionBy(new DirectPartitioner(2))
            .SelectPartitions(items => new[] { items.Aggregate((Count: 0L, Sum: 0L), (acc, r) => (acc.Count + 1, acc.Sum + Checksum(r.Value))) })
            .ToArrayAsync(TestContext.Current.CancellationToken);
        await ctx.Listeners.FlushAsync();

        var expected = Enumerable.Range(0, Records).Sum(i => Checksum(Payload(i)));
        Assert.Equal([(0L, 0L), ((long)Records, expected)], sums);
        var reduce = recorder.StagesRunSinceClear[^1].Metrics;
        Assert.True(reduce.ShuffleRemoteReadBytes >= (long)Records * RecordBytes,
            $"expected the 300 MiB block to be fetched remotely, but {reduce.ShuffleRemoteReadBytes} of {reduce.ShuffleReadBytes} bytes were");
    }

    private static byte[] Payload(long i)
    {
        var bytes = new byte[RecordBytes];
        new Random((int)i).NextBytes(bytes);
        return bytes;
    }

    private static long Checksum(byte[] bytes) => bytes[0] + (bytes[^1] * 256L) + bytes.Length;
}
