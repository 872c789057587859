using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Execution;

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

        // No locality wait, and the tasks of the executor holding the most blocks (at least 8 of 16) are slow: the other
        // executor, done with its own, runs some of them away from their partition's block (left to timing alone, every
        // task could find a slot where its block is).
        var busiest = holders.GroupBy(h => h.Value).MaxBy(g => g.Count())!.Key;
        var slow = holders.Where(h => h.Value == busiest).Select(h => h.Key).ToHashSet();
        var sum = await cached.SelectPartitions(records =>
        {
            if (slow.Contains(TaskContext.Current!.PartitionId))
            {
                Thread.Sleep(200);
            }

            return records.Select(x => (long)x);
        }).SumAsync(Ct);
        await ctx.Listeners.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 16_000).Sum(x => x * 3L), sum);
        Assert.Contains(recorder.Events.OfType<TaskEndEvent>(), e => e.ExecutorId != holders[e.Task.PartitionId]);
        Assert.Equal(16_000, computed.Value);
    }

    [Theory]
    [InlineData("MemoryOnly")]
    [InlineData("DiskOnly")]
    [InlineData("MemoryOnlySerialized")]
    public async Task LargeCachedBlockOnAnotherExecutor_IsSpooledThroughAFileAndReadWhole(string levelName)
    {
        var level = levelName switch
        {
            "DiskOnly" => StorageLevel.DiskOnly,
            "MemoryOnlySerialized" => StorageLevel.MemoryOnlySerialized,
            _ => StorageLevel.MemoryOnly,
        };
        var (ctx, recorder) = await SharedCluster.NewContextAsync(o =>
        {
            o.Scheduler.LocalityWait = TimeSpan.Zero;
            o.Executor.FetchToMemoryLimit = ByteSize.FromKiB(64);
        });
        await using var _ = ctx;
        var computed = ctx.LongAccumulator("computed");
        // 8 blocks of 6,000 records of ~1 KiB: each over the 4 MiB chunk size and far over the in-memory limit.
        var cached = ctx.Range(0, 48_000, 1, 8).Select(x => { computed.Add(1); return new string((char)('a' + (x % 26)), 1_000) + x; }).Persist(level);
        Assert.Equal(48_000, await cached.CountAsync(Ct));
        await ctx.Listeners.FlushAsync();
        var holders = recorder.Events.OfType<TaskEndEvent>().ToDictionary(e => e.Task.PartitionId, e => e.ExecutorId);
        recorder.Clear();

        // The tasks of the executor holding the most blocks (at least 4 of 8, for 2 slots) are slow, so the other
        // executor, done with its own, runs some of them and reads their blocks from it.
        var busiest = holders.GroupBy(h => h.Value).MaxBy(g => g.Count())!.Key;
        var slow = holders.Where(h => h.Value == busiest).Select(h => h.Key).ToHashSet();
        var lengths = await cached.SelectPartitions(records =>
        {
            if (slow.Contains(TaskContext.Current!.PartitionId))
            {
                Thread.Sleep(300);
            }

            return records.Select(r => (long)r.Length);
        }).SumAsync(Ct);
        await ctx.Listeners.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 48_000).Sum(x => 1_000L + x.ToString(System.Globalization.CultureInfo.InvariantCulture).Length), lengths);
        var away = recorder.Events.OfType<TaskEndEvent>().Count(e => e.ExecutorId != holders[e.Task.PartitionId]);
        Assert.True(away > 0, "every task ran where its block was");
        Assert.Equal(48_000, computed.Value);
        var cluster = await SharedCluster.StartAsync();
        var ticket = ((OrleansBackend)ctx.Backend).Ticket;
        var spooled = cluster.Cluster.Silos.Cast<InProcessSiloHandle>()
            .Sum(s => s.SiloHost.Services.GetRequiredService<WorkerExecutor>().Application(ticket).Blocks.SpooledFetches);
        Assert.Equal(away, spooled);

        // Holders serialised object blocks into files to serve them, and removed each after its last chunk.
        Assert.DoesNotContain(Directory.EnumerateFiles(cluster.Root, "*", SearchOption.AllDirectories),
            f => f.Contains(Path.Combine("apps", ticket.AppId, "served"), StringComparison.Ordinal));
    }
}
