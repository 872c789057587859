using Dataflow.Configuration;
using Dataflow.Partitioning;
using Dataflow.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Dataflow.Tests.Scheduling;

/// <summary>Lost or removed shuffle output: fetch failures, recomputation of only what is missing, cleanup, skew.</summary>
public sealed class ShuffleRecoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Map outputs as files, never kept in memory: these tests remove and corrupt the files.</summary>
    internal static void OnDisk(DataflowOptions options) => options.Shuffle.InMemoryOutputThreshold = new ByteSize(0);

    internal static DataflowContext OnDiskContext()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        OnDisk(options);
        return new DataflowContext(options);
    }

    [Fact]
    public async Task LostMapOutput_IsRecomputedAloneAndTheResultIsStillCorrect()
    {
        var (ctx, backend) = FakeBackend.CreateContext(configure: OnDisk);
        await using var _ = ctx;
        var data = Enumerable.Range(0, 2000).ToArray();
        var reduced = ctx.Parallelize(data, 4).Select(x => (x % 11, (long)x)).ReduceByKey((a, b) => a + b, 3);
        var expected = data.GroupBy(x => x % 11).ToDictionary(g => g.Key, g => g.Sum(x => (long)x));
        Assert.Equal(expected, (await reduced.ToListAsync(Ct)).ToDictionary(kv => kv.Item1, kv => kv.Item2));
        var mapStage = backend.Submitted.First().StageId;

        // Lose map output 2 behind the scheduler's back.
        var dataFile = Directory.GetFiles(ctx.WorkDirectory, "shuffle_*_2.data", SearchOption.AllDirectories).Single();
        File.Delete(dataFile);
        backend.Submitted.Clear();

        Assert.Equal(expected, (await reduced.ToListAsync(Ct)).ToDictionary(kv => kv.Item1, kv => kv.Item2));
        var rerunMaps = backend.Submitted.Where(t => t.StageId == mapStage).Select(t => t.PartitionId).ToList();
        Assert.Equal([2], rerunMaps);
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
    }

    [Fact]
    public async Task CorruptedBlock_IsDetectedAndOnlyItsMapOutputRecomputed()
    {
        var (ctx, backend) = FakeBackend.CreateContext(configure: OnDisk);
        await using var _ = ctx;
        var data = Enumerable.Range(0, 20_000).Select(i => ("key" + (i % 97), (long)i)).ToArray();
        var reduced = ctx.Parallelize(data, 4).ReduceByKey((a, b) => a + b, 2);
        var expected = data.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Sum(p => p.Item2));
        Assert.Equal(expected, (await reduced.ToListAsync(Ct)).ToDictionary(kv => kv.Item1, kv => kv.Item2));
        var mapStage = backend.Submitted.First().StageId;

        // Flip one byte in the middle of map output 1's data file.
        var dataFile = Directory.GetFiles(ctx.WorkDirectory, "shuffle_*_1.data", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(dataFile, Ct);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(dataFile, bytes, Ct);
        backend.Submitted.Clear();

        Assert.Equal(expected, (await reduced.ToListAsync(Ct)).ToDictionary(kv => kv.Item1, kv => kv.Item2));
        Assert.Equal([1], backend.Submitted.Where(t => t.StageId == mapStage).Select(t => t.PartitionId));
    }

    [Fact]
    public async Task CleanupShuffles_RemovesFiles_AndLaterJobsRecompute()
    {
        await using var ctx = OnDiskContext();
        var reduced = ctx.Range(0, 500, 1, 3).Select(x => (x % 7, 1)).ReduceByKey((a, b) => a + b, 2);
        Assert.Equal(7, await reduced.CountAsync(Ct));
        Assert.NotEmpty(Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories));
        ctx.CleanupShuffles();
        Assert.Empty(Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories));
        Assert.Equal(500, (await reduced.ToListAsync(Ct)).Sum(kv => kv.Item2));
    }

    [Fact]
    public async Task UnpersistAsync_OfShuffledRdd_RemovesItsShuffleFiles()
    {
        await using var ctx = OnDiskContext();
        var reduced = ctx.Range(0, 100, 1, 2).Select(x => (x % 3, 1)).ReduceByKey((a, b) => a + b, 2);
        await reduced.CountAsync(Ct);
        Assert.NotEmpty(Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories));
        await reduced.UnpersistAsync();
        Assert.Empty(Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SkewedShuffle_LogsWarningAndExplainShowsSizes()
    {
        var logs = new CapturingLoggerFactory();
        var options = new DataflowOptions { Master = "local[2]" };
        options.Shuffle.SkewWarningThreshold = ByteSize.FromKiB(1);
        await using var ctx = new DataflowContext(options, logs);
        // Key 0 gets 20,000 records; keys 1..7 one each.
        var records = Enumerable.Repeat(0, 20_000).Concat(Enumerable.Range(1, 7)).Select(k => (k, "payload-" + k)).ToArray();
        var grouped = ctx.Parallelize(records, 4).PartitionBy(new HashPartitioner(8));
        await grouped.CountAsync(Ct);
        var hot = new HashPartitioner(8).GetPartition(0);
        var warning = Assert.Single(logs.Messages, m => m.Level == LogLevel.Warning && m.Message.Contains("Skewed", StringComparison.Ordinal));
        Assert.Contains($"reduce partition {hot} ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ShuffleRecoveryTests.cs", warning.Message, StringComparison.Ordinal);
        Assert.Contains("reduce partition sizes: n=8", grouped.Explain(), StringComparison.Ordinal);
    }
}
