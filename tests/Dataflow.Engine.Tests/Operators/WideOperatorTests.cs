using Dataflow.Partitioning;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>
/// Wide (shuffle) operators against LINQ-to-Objects on random, skewed data with random partitioning. Each also
/// asserts that it added exactly one stage and wrote shuffle bytes.
/// </summary>
public sealed class WideOperatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ((string Key, int Value)[] Data, Rdd<(string Key, int Value)> Rdd) Input(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Pairs(random);
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    /// <summary>Runs the action and asserts the stages it ran (map + result by default) and that it shuffled.</summary>
    private Task<T> Shuffled<T>(Func<Task<T>> action, int expectedStages = 2) =>
        StageAssert.RunsStagesAsync(fixture, expectedStages, action);

    private static void AssertSameMultiset<T>(IEnumerable<T> expected, IEnumerable<T> actual) => StageAssert.SameMultiset(expected, actual);

    [Theory, MemberData(nameof(Seeds))]
    public async Task ReduceByKey_RandomSkewedInput_MatchesLinqGroupBySum(int seed)
    {
        var (data, rdd) = Input(seed);
        var partitions = new Random(seed).Next(1, 7);
        if (data.Length == 0)
        {
            Assert.Empty(await rdd.ReduceByKey((a, b) => a + b, partitions).ToListAsync(Ct));
            return;
        }

        var actual = await Shuffled(() => rdd.ReduceByKey((a, b) => a + b, partitions).ToListAsync(Ct));
        AssertSameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task GroupByKey_RandomInput_MatchesLinqGroupBy(int seed)
    {
        var (data, rdd) = Input(seed);
        if (data.Length == 0)
        {
            return;
        }

        var actual = await Shuffled(() => rdd.GroupByKey(3).ToListAsync(Ct));
        AssertSameMultiset(
            data.GroupBy(p => p.Key).Select(g => g.Key + ":" + string.Join(",", g.Select(p => p.Value).Order())),
            actual.Select(g => g.Key + ":" + string.Join(",", g.Value.Order())));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task CombineByKey_WithAndWithoutMapSideCombine_MatchesLinq(int seed)
    {
        var (data, rdd) = Input(seed);
        if (data.Length == 0)
        {
            return;
        }

        var expected = data.GroupBy(p => p.Key).Select(g => (g.Key, (g.Count(), g.Sum(p => (long)p.Value))));
        foreach (var mapSide in new[] { true, false })
        {
            var actual = await Shuffled(() => rdd.CombineByKey(
                v => (Count: 1, Sum: (long)v),
                (c, v) => (c.Count + 1, c.Sum + v),
                (a, b) => (a.Count + b.Count, a.Sum + b.Sum),
                new HashPartitioner(4), mapSide).ToListAsync(Ct));
            AssertSameMultiset(expected, actual);
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Join_RandomInputs_MatchesLinqJoin(int seed)
    {
        var (left, leftRdd) = Input(seed);
        var (right, rightRdd) = Input(seed + 1000);
        if (left.Length == 0 || right.Length == 0)
        {
            return;
        }

        // Both inputs are shuffled: two map stages and the result stage.
        var actual = await Shuffled(() => leftRdd.Join(rightRdd, 5).ToListAsync(Ct), expectedStages: 3);
        AssertSameMultiset(
            left.Join(right, l => l.Key, r => r.Key, (l, r) => (l.Key, (l.Value, r.Value))),
            actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task SortByKey_BothDirections_MatchesLinqOrderBy(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(1, 500)).Select(_ => (Key: random.Next(0, 200), Value: random.Next())).ToArray();
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var partitions = random.Next(1, 6);
        var ascending = await Shuffled(() => rdd.SortByKey(true, partitions).ToListAsync(Ct));
        Assert.Equal(data.Select(p => p.Key).Order(), ascending.Select(p => p.Key));
        AssertSameMultiset(data, ascending);
        var descending = await Shuffled(() => rdd.SortByKey(false, partitions).ToListAsync(Ct));
        Assert.Equal(data.Select(p => p.Key).OrderDescending(), descending.Select(p => p.Key));
        AssertSameMultiset(data, descending);
    }

    [Fact]
    public async Task SortByKey_Strings_UsesTheGivenComparerAndBalancesPartitions()
    {
        var words = Enumerable.Range(0, 4000).Select(i => ("w" + (i * 7919 % 4000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture), i)).ToArray();
        var sorted = _ctx.Parallelize(words, 4).SortByKey(true, 4, StringComparer.Ordinal);
        var parts = await sorted.SelectPartitions(items => new[] { items.Count() }).ToListAsync(Ct);
        Assert.All(parts, n => Assert.InRange(n, 400, 1600));
        Assert.Equal(words.Select(w => w.Item1).Order(StringComparer.Ordinal), (await sorted.Keys().ToListAsync(Ct)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task PartitionBy_PlacesEveryKeyInItsPartition(int seed)
    {
        var (data, rdd) = Input(seed);
        if (data.Length == 0)
        {
            return;
        }

        var partitioner = new HashPartitioner(4);
        var placed = await Shuffled(() => rdd.PartitionBy(partitioner).SelectPartitions((i, items) => items.Select(kv => (i, kv))).ToListAsync(Ct));
        AssertSameMultiset(data, placed.Select(p => p.kv));
        Assert.All(placed, p => Assert.Equal(partitioner.GetPartition(p.kv.Key), p.i));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Repartition_PreservesMultisetAndBalances(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(50, 400)).ToArray();
        var rdd = _ctx.Parallelize(data, random.Next(1, 4));
        var target = random.Next(1, 8);
        var repartitioned = rdd.Repartition(target);
        Assert.Equal(target, repartitioned.NumPartitions);
        var sizes = await Shuffled(() => repartitioned.SelectPartitions(items => new[] { items.Count() }).ToListAsync(Ct));
        Assert.Equal(target, sizes.Count);
        Assert.True(sizes.Max() - sizes.Min() <= rdd.NumPartitions, $"unbalanced: {string.Join(",", sizes)}");
        AssertSameMultiset(data, await repartitioned.ToListAsync(Ct));
    }

    [Fact]
    public async Task ByKeyOperation_OnAlreadyPartitionedInput_DoesNotShuffleAgain()
    {
        var partitioner = new HashPartitioner(3);
        var data = Enumerable.Range(0, 300).Select(i => (Key: i % 17, Value: i)).ToArray();
        var partitioned = _ctx.Parallelize(data, 4).PartitionBy(partitioner);
        await partitioned.CountAsync(Ct);
        var reduced = partitioned.ReduceByKey((a, b) => a + b, partitioner);
        Assert.Same(partitioner, reduced.Partitioner);
        // The partitioned RDD's map stage is skipped (output exists) and the reduce adds no stage of its own.
        var sums = await Shuffled(() => reduced.ToListAsync(Ct), expectedStages: 1);
        AssertSameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))), sums);
        var joined = partitioned.Join(reduced);
        await fixture.ResetEventsAsync();
        Assert.Equal(300, await joined.CountAsync(Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.StagesRun(fixture.Recorder.LastJobId));
    }

    [Fact]
    public async Task ReduceByKey_NullKeys_AreGroupedLikeLinq()
    {
        var data = new (string? Key, int Value)[] { (null, 1), ("a", 2), (null, 3), ("b", 4), ("a", 5) };
        var actual = await _ctx.Parallelize(data, 3).ReduceByKey((a, b) => a + b, 2).ToListAsync(Ct);
        AssertSameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))), actual);
    }

    [Fact]
    public async Task SecondAction_OnShuffledRdd_RunsOnlyTheResultStage()
    {
        var counts = _ctx.Range(0, 1000, 1, 4).Select(x => (x % 10, 1)).ReduceByKey((a, b) => a + b, 3);
        Assert.Equal(10, await Shuffled(() => counts.CountAsync(Ct)));
        Assert.Contains("skipped", counts.Explain(), StringComparison.Ordinal);
        Assert.Equal(10, await Shuffled(() => counts.CountAsync(Ct), expectedStages: 1));
    }

    [Fact]
    public async Task ArrayKeys_AreComparedByValue_InEveryByKeyOperator()
    {
        var data = Enumerable.Range(0, 300).Select(i => (Key: new byte[] { (byte)(i % 5), 7 }, Value: i)).ToArray();
        var sums = await _ctx.Parallelize(data, 4).ReduceByKey((a, b) => a + b, 3).ToListAsync(Ct);
        Assert.Equal(5, sums.Count);
        Assert.Equal(data.Sum(d => d.Value), sums.Sum(s => s.Value));
        var intKeys = data.Select(d => (Key: new[] { d.Key[0] % 2 }, d.Value)).ToArray();
        var groups = await _ctx.Parallelize(intKeys, 3).GroupByKey(2).Select(g => g.Value.Count()).ToListAsync(Ct);
        Assert.Equal([120, 180], groups.Order());
        var distinct = await _ctx.Parallelize(data.Select(d => d.Key), 4).Distinct().CountAsync(Ct);
        Assert.Equal(5, distinct);
    }

    [Fact]
    public void Shuffle_OfRecordsThatCannotBeSerialised_IsRejectedWhenBuiltNamingTypeAndCallSite()
    {
        var rdd = _ctx.Parallelize(new[] { 1, 2, 3 }, 2).Select(i => (new HiddenKey(i), i));
        var error = Assert.Throws<ArgumentException>(() => rdd.ReduceByKey((a, b) => a + b, 2));
        Assert.Contains("HiddenKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReduceByKey at WideOperatorTests.cs", error.Message, StringComparison.Ordinal);
        Assert.Contains("RegisterFormatter", error.Message, StringComparison.Ordinal);
        var nested = _ctx.Parallelize(new[] { 1 }, 1).Select(i => (i, new List<HiddenKey> { new(i) }));
        Assert.Throws<ArgumentException>(() => nested.GroupByKey(2));
    }

    private sealed record HiddenKey(int Id);
}
