using Dataflow.Partitioning;
using Dataflow.Serialization.Records;
using Dataflow.Tests.Support;
using MessagePack;

namespace Dataflow.Tests.Operators;

/// <summary>
/// GroupBy, FoldByKey, AggregateByKey and SubtractByKey against LINQ-to-Objects on random, skewed data with random
/// partitioning; each asserts the stages its job ran and that it shuffled.
/// </summary>
public sealed class ByKeyOperatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
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

    /// <summary>The distinct keys of each slice <c>Parallelize</c> cuts (contiguous, as equal as possible).</summary>
    private static List<HashSet<string>> SliceKeys((string Key, int Value)[] data, int slices) =>
        [.. Enumerable.Range(0, slices).Select(i =>
            data[(int)((long)i * data.Length / slices)..(int)((long)(i + 1) * data.Length / slices)].Select(p => p.Key).ToHashSet())];

    private static T RoundTrip<T>(T value) =>
        MessagePackSerializer.Deserialize<T>(MessagePackSerializer.Serialize(value, RecordSerializer.Options, Ct), RecordSerializer.Options, Ct);

    private static string Describe<TKey, T>(TKey key, IEnumerable<T> elements) => $"{key}: {string.Join(",", elements.Order())}";

    [Theory, MemberData(nameof(Seeds))]
    public async Task GroupBy_RandomSkewedInput_MatchesLinqGroupBy(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random, maxValue: 1000);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var grouped = await StageAssert.RunsStagesAsync(fixture, 2, () => rdd.GroupBy(x => x % 7, random.Next(1, 6)).ToListAsync(Ct), data.Length > 0);
        Assert.All(grouped, g => Assert.IsType<Grouping<int, int>>(g));
        StageAssert.SameMultiset(data.GroupBy(x => x % 7).Select(g => Describe(g.Key, g)), grouped.Select(g => Describe(g.Key, g)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task GroupBy_WithElementSelectorAndPartitioner_MatchesLinq(int seed)
    {
        var (data, rdd) = Input(seed);
        var grouped = await StageAssert.RunsStagesAsync(fixture, 2,
            () => rdd.GroupBy(p => p.Key, p => p.Value * 2, new HashPartitioner(3)).ToListAsync(Ct), data.Length > 0);
        StageAssert.SameMultiset(data.GroupBy(p => p.Key, p => p.Value * 2).Select(g => Describe(g.Key, g)), grouped.Select(g => Describe(g.Key, g)));
    }

    [Fact]
    public async Task GroupBy_NullKeys_FormOneGroupLikeLinq()
    {
        string?[] data = ["a", null, "bb", null, "a", "ccc", null];
        var grouped = await _ctx.Parallelize(data, 3).GroupBy(s => s is null ? null : s[..1], s => s?.Length ?? -1).ToListAsync(Ct);
        StageAssert.SameMultiset(data.GroupBy(s => s is null ? null : s[..1], s => s?.Length ?? -1).Select(g => Describe(g.Key, g)),
            grouped.Select(g => Describe(g.Key, g)));
    }

    [Fact]
    public async Task GroupBy_GroupingsCrossingAShuffle_KeepKeysAndElements()
    {
        var data = Enumerable.Range(0, 200).ToArray();
        var moved = await _ctx.Parallelize(data, 4).GroupBy(x => "k" + (x % 9)).Repartition(3).ToListAsync(Ct);
        StageAssert.SameMultiset(data.GroupBy(x => "k" + (x % 9)).Select(g => Describe(g.Key, g)), moved.Select(g => Describe(g.Key, g)));
    }

    [Fact]
    public void Grouping_RoundTripsThroughTheRecordSerializer()
    {
        var grouping = new Grouping<string, (int, string?)>("key", [(1, "a"), (2, null)]);
        var copy = RoundTrip(grouping);
        Assert.Equal("key", copy.Key);
        Assert.Equal(grouping.Elements, copy.Elements);
        IGrouping<int?, long> asInterface = new Grouping<int?, long>(null, [5L, 6L]);
        var interfaceCopy = RoundTrip(asInterface);
        Assert.Null(interfaceCopy.Key);
        Assert.Equal([5L, 6L], interfaceCopy);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task FoldByKey_RandomInput_MatchesLinqSumAndCombinesOnTheMapSide(int seed)
    {
        var (data, rdd) = Input(seed);
        var sums = await StageAssert.RunsStagesAsync(fixture, 2, () => rdd.FoldByKey(0, (a, b) => a + b, 4).ToListAsync(Ct), data.Length > 0);
        StageAssert.SameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))), sums);
        // Map-side combine: exactly one record per distinct key of each input slice crosses the shuffle.
        Assert.Equal(SliceKeys(data, rdd.NumPartitions).Sum(keys => keys.Count), fixture.Recorder.StagesRun(fixture.Recorder.LastJobId).Sum(s => s.Metrics.ShuffleWriteRecords));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task FoldByKey_MutableZero_EachKeyStartsFromItsOwnCopy(int seed)
    {
        var (data, rdd) = Input(seed);
        var zero = new List<int> { 1000 };
        var lists = rdd.MapValues(v => new List<int> { v }).FoldByKey(zero, (a, b) => { a.AddRange(b); return a; }, new HashPartitioner(2));
        var actual = await StageAssert.RunsStagesAsync(fixture, 2, () => lists.ToListAsync(Ct), data.Length > 0);
        // Each key gets a fresh zero once per input slice it occurs in; a shared zero would collect every value.
        var slices = SliceKeys(data, rdd.NumPartitions);
        Assert.All(actual, kv =>
        {
            Assert.Equal(data.Where(p => p.Key == kv.Key).Select(p => p.Value).Order(), kv.Value.Where(v => v != 1000).Order());
            Assert.Equal(slices.Count(keys => keys.Contains(kv.Key)), kv.Value.Count(v => v == 1000));
        });
        Assert.Equal(data.Select(p => p.Key).Distinct().Count(), actual.Count);
        Assert.Equal([1000], zero);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task AggregateByKey_RandomInput_MatchesLinqCountSumMin(int seed)
    {
        var (data, rdd) = Input(seed);
        var stats = rdd.AggregateByKey((Count: 0, Sum: 0L, Min: int.MaxValue),
            (acc, v) => (acc.Count + 1, acc.Sum + v, Math.Min(acc.Min, v)),
            (a, b) => (a.Count + b.Count, a.Sum + b.Sum, Math.Min(a.Min, b.Min)), new Random(seed).Next(1, 6));
        var actual = await StageAssert.RunsStagesAsync(fixture, 2, () => stats.ToListAsync(Ct), data.Length > 0);
        StageAssert.SameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, (g.Count(), g.Sum(p => (long)p.Value), g.Min(p => p.Value)))), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task AggregateByKey_MutableSetZero_MatchesLinqDistinctValues(int seed)
    {
        var (data, rdd) = Input(seed);
        var sets = rdd.AggregateByKey(new HashSet<int>(), (s, v) => { s.Add(v % 10); return s; }, (a, b) => { a.UnionWith(b); return a; });
        var actual = await StageAssert.RunsStagesAsync(fixture, 2, () => sets.ToListAsync(Ct), data.Length > 0);
        StageAssert.SameMultiset(data.GroupBy(p => p.Key).Select(g => Describe(g.Key, g.Select(p => p.Value % 10).Distinct())),
            actual.Select(kv => Describe(kv.Key, kv.Value)));
    }

    [Fact]
    public async Task AggregateByKey_OnInputPartitionedLikeTheResult_DoesNotShuffleAgain()
    {
        var partitioner = new HashPartitioner(3);
        var data = Enumerable.Range(0, 300).Select(i => (Key: i % 13, Value: i)).ToArray();
        var partitioned = _ctx.Parallelize(data, 4).PartitionBy(partitioner);
        await partitioned.CountAsync(Ct);
        var sums = partitioned.AggregateByKey(0L, (a, v) => a + v, (a, b) => a + b, partitioner);
        Assert.Same(partitioner, sums.Partitioner);
        var actual = await StageAssert.RunsStagesAsync(fixture, 1, () => sums.ToListAsync(Ct));
        StageAssert.SameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => (long)p.Value))), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task SubtractByKey_RandomInputsWithNullKeys_MatchesLinq(int seed)
    {
        var random = new Random(seed);
        var left = TestData.Pairs(random).Select(p => (Key: p.Key == "k3" ? null : p.Key, p.Value)).ToArray();
        var right = TestData.Pairs(random, keySpace: 60).Where(p => p.Key != "hot").Select(p => (Key: p.Key == "k7" ? null : p.Key, (double)p.Value)).ToArray();
        var leftRdd = _ctx.Parallelize(left, TestData.Partitions(random, left.Length));
        var rightRdd = _ctx.Parallelize(right, TestData.Partitions(random, right.Length));
        var actual = await StageAssert.RunsStagesAsync(fixture, 3, () => leftRdd.SubtractByKey(rightRdd).ToListAsync(Ct), left.Length + right.Length > 0);
        var removed = right.Select(r => r.Key).ToHashSet();
        StageAssert.SameMultiset(left.Where(l => !removed.Contains(l.Key)), actual);
    }

    [Fact]
    public async Task Operators_WhenBuilt_RunNoJobAndValidateArgumentsAtOnce()
    {
        var (_, rdd) = Input(1);
        await fixture.ResetEventsAsync();
        _ = rdd.GroupBy(p => p.Key).Select(g => g.Key).OrderByDescending(k => k).ThenBy(k => k.Length);
        _ = rdd.FoldByKey(0, (a, b) => a + b).LeftOuterJoin(rdd).SubtractByKey(rdd).RepartitionAndSortWithinPartitions(new HashPartitioner(2));
        _ = rdd.Join(rdd, l => l.Value, r => r.Value, (l, r) => l.Key + r.Key).GroupJoin(rdd, s => s, p => p.Key, (s, ps) => ps.Count());
        await _ctx.Listeners.FlushAsync();
        Assert.Empty(fixture.Recorder.Events);

        Assert.Throws<ArgumentNullException>(() => rdd.GroupBy<(string Key, int Value), string>(null!));
        Assert.Throws<ArgumentException>(() => rdd.GroupBy(p => p.Key, p => Task.FromResult(p.Value)));
        Assert.Throws<ArgumentNullException>(() => rdd.FoldByKey(0, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.AggregateByKey(0L, (a, v) => a + v, (a, b) => a + b, numPartitions: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.OrderBy(p => p.Value, numPartitions: 0));
        Assert.Throws<ArgumentNullException>(() => rdd.OrderBy(p => p.Key).ThenBy<(string Key, int Value), int>(null!));
        Assert.Throws<ArgumentNullException>(() => rdd.GroupJoin(rdd, l => l.Key, r => r.Key, (Func<(string Key, int Value), IEnumerable<(string Key, int Value)>, int>)null!));
        Assert.Throws<ArgumentNullException>(() => rdd.FullOuterJoin<string, int, int>(null!));
    }
}
