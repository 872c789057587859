using System.Collections;
using Dataflow.Configuration;
using Dataflow.Shuffle;

namespace Dataflow.Tests.Shuffle;

/// <summary>
/// Map outputs up to <c>Dataflow:Shuffle:InMemoryOutputThreshold</c> stay in the executor's memory: a small shuffle
/// creates no file, reads back exactly what a file would hold, and is released with its shuffle; larger outputs, or
/// outputs past <c>InMemoryOutputLimit</c>, go to files as before. The first committed attempt wins either way.
/// </summary>
public sealed class InMemoryMapOutputTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"inmemory-shuffle-{Guid.NewGuid():N}");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static DataflowContext NewContext(long threshold, long limit = 64 << 20)
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Shuffle.InMemoryOutputThreshold = new ByteSize(threshold);
        options.Shuffle.InMemoryOutputLimit = new ByteSize(limit);
        return new DataflowContext(options);
    }

    private static string[] ShuffleFiles(DataflowContext ctx) =>
        Directory.Exists(ctx.WorkDirectory) ? Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories) : [];

    private static long InMemoryBytes(DataflowContext ctx) => ((LocalShuffleManager)ctx.Environment.ShuffleManager).InMemoryBytes;

    [Fact]
    public async Task SmallShuffle_CreatesNoFile_MatchesLinq_AndIsReleasedWithItsShuffle()
    {
        await using var ctx = NewContext(threshold: 1 << 20);
        var data = Enumerable.Range(0, 2_000).Select(i => (Key: i % 13, Value: (long)i)).ToArray();
        var sums = ctx.Parallelize(data, 4).ReduceByKey((a, b) => a + b, 3);

        var result = await sums.ToListAsync(Ct);

        Assert.Equal(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))).Order(), result.Order());
        Assert.Empty(ShuffleFiles(ctx));
        Assert.True(InMemoryBytes(ctx) > 0, "the shuffle's map outputs should be held in memory");

        // Read again from the held outputs (the map stage is skipped), then released with the shuffle.
        Assert.Equal(result.Order(), (await sums.ToListAsync(Ct)).Order());
        await sums.UnpersistAsync();
        Assert.Equal(0, InMemoryBytes(ctx));
    }

    [Fact]
    public async Task TreeAggregate_OverSmallPartials_CreatesNoFileAndMatchesLinq()
    {
        await using var ctx = NewContext(threshold: 1 << 20);
        var data = Enumerable.Range(0, 800).Select(i => (double)i * 0.5).ToArray();

        // 8 partitions with depth 2: one intermediate level (a shuffle into 2 partitions).
        var (sum, count) = await ctx.Parallelize(data, 8).TreeAggregateAsync((0.0, 0L), (a, x) => (a.Item1 + x, a.Item2 + 1),
            (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2), 2, Ct);

        Assert.Equal(data.Sum(), sum, 9);
        Assert.Equal(data.Length, count);
        Assert.Empty(ShuffleFiles(ctx));
        Assert.Equal(0, InMemoryBytes(ctx));
    }

    [Theory]
    [InlineData(0L, 64L << 20)] // turned off
    [InlineData(256L, 64L << 20)] // each output is larger than the threshold
    [InlineData(1L << 20, 1L)] // the executor's limit is reached at once
    public async Task OutputsPastTheThresholdOrTheLimit_GoToFiles_AndMatchLinq(long threshold, long limit)
    {
        await using var ctx = NewContext(threshold, limit);
        var data = Enumerable.Range(0, 20_000).Select(i => (Key: "k" + (i % 997), Value: (long)i)).ToArray();
        var sums = ctx.Parallelize(data, 4).ReduceByKey((a, b) => a + b, 3);

        var result = await sums.ToListAsync(Ct);

        Assert.Equal(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))).Order(), result.Order());
        Assert.Equal(4, ShuffleFiles(ctx).Count(f => f.EndsWith(".data", StringComparison.Ordinal)));
        Assert.Equal(0, InMemoryBytes(ctx));
        await sums.UnpersistAsync();
        Assert.Empty(ShuffleFiles(ctx));
    }

    [Fact]
    public void Commit_KeepsEachBlockExactly_AndTheFirstAttemptWins()
    {
        using var manager = new LocalShuffleManager("exec", _directory, 4096, inMemoryThreshold: 1024, inMemoryLimit: 1 << 20);
        var first = Write(manager, attempt: 1, [[1, 2, 3], [], [4, 5]]);
        var second = Write(manager, attempt: 2, [[9], [9, 9], [9, 9, 9]]);

        Assert.Equal([3L, 0L, 2L], first.BlockSizes);
        Assert.Equal(first.BlockSizes, second.BlockSizes);
        Assert.Equal([1, 2, 3], ReadBlock(manager, first, 0));
        Assert.Empty(ReadBlock(manager, first, 1));
        Assert.Equal([4, 5], ReadBlock(manager, first, 2));
        Assert.Equal(5, manager.InMemoryBytes);
        Assert.Empty(Directory.GetFiles(_directory));

        manager.RemoveMapOutput(0, 0);
        Assert.Equal(0, manager.InMemoryBytes);
        Assert.Throws<FetchFailedException>(() => manager.OpenBlock(new ShuffleBlockId(0, 0, 0), first));
    }

    [Fact]
    public void Write_OverTheThreshold_MovesToAFile_AndAnAbortedAttemptLeavesNothing()
    {
        using var manager = new LocalShuffleManager("exec", _directory, 4096, inMemoryThreshold: 4, inMemoryLimit: 1 << 20);
        var big = Write(manager, attempt: 1, [[1, 2, 3], [4, 5, 6]]);
        Assert.Equal(0, manager.InMemoryBytes);
        Assert.Equal([4, 5, 6], ReadBlock(manager, big, 1));
        Assert.Equal(2, Directory.GetFiles(_directory).Length); // data and index

        using (var aborted = manager.CreateMapOutput(1, 0, 7, 1))
        {
            aborted.Stream.Write([1, 2, 3, 4, 5, 6]);
        }

        using (var abortedSmall = manager.CreateMapOutput(1, 1, 8, 1))
        {
            abortedSmall.Stream.Write([1]);
        }

        Assert.Equal(2, Directory.GetFiles(_directory).Length);
        Assert.Equal(0, manager.InMemoryBytes);
        manager.RemoveShuffle(0);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("Dataflow:Shuffle:InMemoryOutputThreshold", "2g")]
    [InlineData("Dataflow:Shuffle:InMemoryOutputLimit", "-1")]
    public void Load_OutOfRangeInMemorySetting_ThrowsNamingTheOption(string key, string value)
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new(key, value)], environment: new Hashtable()));

        Assert.Contains(key.Split(':')[^1], error.Message, StringComparison.Ordinal);
    }

    private static MapStatus Write(LocalShuffleManager manager, long attempt, byte[][] blocks)
    {
        using var output = manager.CreateMapOutput(0, 0, attempt, blocks.Length);
        for (var p = 0; p < blocks.Length; p++)
        {
            output.Stream.Write(blocks[p]);
            output.EndPartition(p);
        }

        return output.Commit();
    }

    private static byte[] ReadBlock(LocalShuffleManager manager, MapStatus status, int reduceId)
    {
        using var stream = manager.OpenBlock(new ShuffleBlockId(0, status.MapId, reduceId), status);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
