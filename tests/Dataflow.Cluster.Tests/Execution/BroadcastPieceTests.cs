using Dataflow.Broadcasting;
using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// A broadcast travels in pieces: an executor reads each piece from an executor that holds it where one does, so the
/// driver sends one copy for two executors; a piece that fails its checksum there is read from the driver instead.
/// </summary>
public sealed class BroadcastPieceTests
{
    private const int Length = 300_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long Expected => Enumerable.Range(0, Length).Sum(i => (long)i * 3);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SecondExecutor_ReadsPiecesFromTheFirst_UnlessPeersAreOff(bool fromPeers)
    {
        var (ctx, recorder, backend, values) = await StartAsync(fromPeers);
        await using var disposeContext = ctx;

        // One task: one executor reads every piece, all from the driver.
        Assert.Equal(Expected, await SumAsync(ctx, values, partitions: 1));
        var pieces = backend.BroadcastPieceReads;
        Assert.True(pieces > 10, $"a value of ~1.5 MB in 64 KiB pieces came in {pieces} pieces");

        // Then tasks on both executors: the second fetches the value too.
        recorder.Clear();
        Assert.Equal(Expected * 16, await SumAsync(ctx, values, partitions: 16));
        await ctx.Listeners.FlushAsync();
        Assert.Equal(InProcessCluster.Workers, recorder.Events.OfType<TaskEndEvent>().Select(e => e.ExecutorId).Distinct().Count());
        Assert.Equal(InProcessCluster.Workers, backend.BroadcastFetches);
        Assert.Equal(fromPeers ? pieces : 2 * pieces, backend.BroadcastPieceReads);
    }

    [Fact]
    public async Task CorruptPieceOnAPeer_IsReadFromTheDriverInstead()
    {
        var (ctx, _, backend, values) = await StartAsync(fromPeers: true);
        await using var disposeContext = ctx;
        Assert.Equal(Expected, await SumAsync(ctx, values, partitions: 1));
        var pieces = backend.BroadcastPieceReads;

        var cluster = await SharedCluster.StartAsync();
        var held = Directory.GetFiles(cluster.Root, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.Combine("apps", backend.AppId, "broadcast"), StringComparison.Ordinal))
            .ToList();
        Assert.Equal(pieces, held.Count);
        var corrupt = held[held.Count / 2];
        var bytes = await File.ReadAllBytesAsync(corrupt, Ct);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(corrupt, bytes, Ct);

        Assert.Equal(Expected * 16, await SumAsync(ctx, values, partitions: 16));
        Assert.Equal(InProcessCluster.Workers, backend.BroadcastFetches);
        Assert.Equal(pieces + 1, backend.BroadcastPieceReads);
    }

    private static async Task<(DataflowContext Context, EventRecorder Recorder, OrleansBackend Backend, Broadcast<int[]> Values)> StartAsync(bool fromPeers)
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync(o =>
        {
            o.Broadcast.BlockSize = ByteSize.FromKiB(64);
            o.Broadcast.FetchFromPeers = fromPeers;
        });
        return (ctx, recorder, (OrleansBackend)ctx.Backend, ctx.Broadcast(Enumerable.Range(0, Length).Select(i => i * 3).ToArray()));
    }

    // Each task sleeps a little so that 16 of them spread over both executors.
    private static Task<long> SumAsync(DataflowContext ctx, Broadcast<int[]> values, int partitions) =>
        ctx.Parallelize(Enumerable.Range(0, partitions).ToArray(), partitions)
            .Select(_ =>
            {
                Thread.Sleep(20);
                return values.Value.Sum(v => (long)v);
            })
            .SumAsync(Ct);
}
