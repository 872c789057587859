using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>TreeAggregate/TreeReduce equal Aggregate on random inputs and really combine through intermediate shuffle stages.</summary>
public sealed class TreeAggregateTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Seeds))]
    public async Task TreeAggregateAsync_RandomInputPartitionsAndDepth_EqualsAggregateAsyncAndLinq(int seed)
    {
        // Property: for any data, partitioning (up to 60 partitions, many empty) and depth, the tree gives Aggregate's result.
        var random = new Random(seed);
        var data = TestData.Ints(random, maxCount: 500);
        var rdd = _ctx.Parallelize(data, random.Next(1, 61));
        var depth = random.Next(1, 5);
        (long Sum, long Count, int Max) seedValue = (0, 0, int.MinValue);
        var expected = await rdd.AggregateAsync(seedValue,
            (a, x) => (a.Sum + x, a.Count + 1, Math.Max(a.Max, x)),
            (a, b) => (a.Sum + b.Sum, a.Count + b.Count, Math.Max(a.Max, b.Max)), Ct);
        var actual = await rdd.TreeAggregateAsync(seedValue,
            (a, x) => (a.Sum + x, a.Count + 1, Math.Max(a.Max, x)),
            (a, b) => (a.Sum + b.Sum, a.Count + b.Count, Math.Max(a.Max, b.Max)), depth, Ct);
        Assert.Equal(expected, actual);
        Assert.Equal((data.Sum(x => (long)x), data.LongLength, data.Length == 0 ? int.MinValue : data.Max()), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TreeAggregateAsync_MutableSeed_IsCopiedPerPartitionAndLevel(int seed)
    {
        // A shared (uncopied) seed list would collect elements more than once.
        var random = new Random(seed);
        var data = TestData.Ints(random);
        var rdd = _ctx.Parallelize(data, random.Next(1, 40));
        var result = await rdd.TreeAggregateAsync(new List<int>(),
            (list, x) => { list.Add(x); return list; },
            (a, b) => { a.AddRange(b); return a; }, random.Next(1, 4), Ct);
        Assert.Equal(data.Order(), result.Order());
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TreeReduceAsync_RandomInput_EqualsLinqAggregate(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random, maxCount: 400);
        var rdd = _ctx.Parallelize(data, random.Next(1, 50));
        var depth = random.Next(1, 5);
        if (data.Length == 0)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => rdd.TreeReduceAsync((a, b) => a + b, depth, Ct));
            return;
        }

        Assert.Equal(data.Aggregate((a, b) => a + b), await rdd.TreeReduceAsync((a, b) => a + b, depth, Ct));
        Assert.Equal(data.Max(), await rdd.TreeReduceAsync(Math.Max, depth, Ct));
    }

    [Fact]
    public async Task TreeAggregateAsync_ManyPartitionsDepthTwo_CombinesInAShuffleLevelAndSendsFewPartialsToTheDriver()
    {
        // 36 partitions, depth 2: scale 6, and 36 > 6 + 6, so one level shuffles the 36 partials into 6 partitions.
        var rdd = _ctx.Parallelize(Enumerable.Range(1, 1000), 36);
        await fixture.ResetEventsAsync();
        Assert.Equal(500_500L, await rdd.TreeAggregateAsync(0L, (a, x) => a + x, (a, b) => a + b, 2, Ct));
        await _ctx.Listeners.FlushAsync();
        var stages = fixture.Recorder.StagesRun(fixture.Recorder.LastJobId);
        var map = Assert.Single(stages, s => s.Stage.ShuffleId is not null);
        Assert.Equal(36, map.Stage.NumTasks);
        var result = Assert.Single(stages, s => s.Stage.ShuffleId is null);
        Assert.Equal(6, result.Stage.NumTasks);
        Assert.Equal(nameof(Rdd.TreeAggregateAsync), result.Stage.Name.Operation);
    }

    [Fact]
    public async Task TreeAggregateAsync_DeeperTree_AddsALevelPerShuffle()
    {
        // 64 partitions, depth 3: scale 4; 64 -> 16 -> 4, each a shuffle; 4 > 4 + 1 is false, so it stops there.
        var rdd = _ctx.Parallelize(Enumerable.Range(1, 640), 64);
        await fixture.ResetEventsAsync();
        Assert.Equal(205_120, await rdd.TreeReduceAsync((a, b) => a + b, 3, Ct));
        await _ctx.Listeners.FlushAsync();
        var stages = fixture.Recorder.StagesRun(fixture.Recorder.LastJobId);
        Assert.Equal([64, 16], stages.Where(s => s.Stage.ShuffleId is not null).Select(s => s.Stage.NumTasks).Order().Reverse());
        Assert.Equal(4, Assert.Single(stages, s => s.Stage.ShuffleId is null).Stage.NumTasks);
    }

    [Fact]
    public async Task TreeAggregateAsync_DepthOne_RunsOneStageLikeAggregate()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(1, 100), 20);
        await fixture.ResetEventsAsync();
        Assert.Equal(5050, await rdd.TreeAggregateAsync(0, (a, x) => a + x, (a, b) => a + b, 1, Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Equal(20, Assert.Single(fixture.Recorder.StagesRun(fixture.Recorder.LastJobId)).Stage.NumTasks);
    }

    [Fact]
    public async Task TreeAggregateAsync_InvalidDepth_Throws()
    {
        var rdd = _ctx.Parallelize(new[] { 1 }, 1);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rdd.TreeAggregateAsync(0, (a, x) => a + x, (a, b) => a + b, 0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rdd.TreeReduceAsync((a, b) => a + b, 0, Ct));
    }
}
