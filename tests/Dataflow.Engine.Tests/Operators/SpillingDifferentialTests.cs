using Dataflow.Partitioning;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>
/// The shuffle operators against LINQ-to-Objects on a 16 MiB executor whose structures spill every 16 KiB, so every
/// map and reduce task with more than a few hundred records spills several times. Each test asserts through the task
/// metrics that spills happened and that no spill file outlived its task.
/// </summary>
public sealed class SpillingDifferentialTests(SpillingContextFixture fixture) : IClassFixture<SpillingContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 5)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ((string Key, int Value)[] Data, Rdd<(string Key, int Value)> Rdd) Input(int seed, int keys = 2000, bool hot = true)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(6000, 20_000))
            .Select(_ => (hot && random.Next(4) == 0 ? "hot" : "k" + random.Next(keys), random.Next(-1000, 1000))).ToArray();
        return (data, _ctx.Parallelize(data, random.Next(1, 7)));
    }

    /// <summary>Runs the action and asserts that tasks spilled, that big map tasks did, and that no spill file is left.</summary>
    private async Task<T> Spilling<T>(Func<Task<T>> action)
    {
        await fixture.ResetEventsAsync();
        var result = await action();
        await _ctx.Listeners.FlushAsync();
        var tasks = fixture.Recorder.Events.OfType<TaskEndEvent>().Where(t => t.Succeeded).ToList();
        Assert.True(tasks.Sum(t => t.Metrics.SpillBytes) > 0, "expected spills");
        Assert.True(tasks.Max(t => t.Metrics.PeakExecutionMemory) > 0, "expected execution memory to be accounted");
        Assert.All(tasks.Where(t => t.Metrics.ShuffleWriteRecords > 3000), t => Assert.True(t.Metrics.SpillBytes > 0, $"map task {t.Task.TaskId} wrote {t.Metrics.ShuffleWriteRecords} records without spilling"));
        Assert.Empty(fixture.SpillFiles());
        Assert.Empty(fixture.TempShuffleFiles());
        return result;
    }

    private static void AssertSameMultiset<T>(IEnumerable<T> expected, IEnumerable<T> actual)
    {
        var e = expected.Select(x => x?.ToString() ?? "null").Order(StringComparer.Ordinal).ToList();
        var a = actual.Select(x => x?.ToString() ?? "null").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(e, a);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ReduceByKey_WhenSpilling_MatchesLinqGroupBySum(int seed)
    {
        var (data, rdd) = Input(seed);
        var actual = await Spilling(() => rdd.ReduceByKey((a, b) => a + b, new Random(seed).Next(1, 6)).ToListAsync(Ct));
        AssertSameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task GroupByKey_WhenSpilling_MatchesLinqGroupBy(int seed)
    {
        var (data, rdd) = Input(seed);
        // Groups are consumed inside the job: a group spilled to disk is readable only while its task runs.
        var actual = await Spilling(() => rdd.GroupByKey(3).Select(g => g.Key + ":" + string.Join(",", g.Value.Order())).ToListAsync(Ct));
        AssertSameMultiset(data.GroupBy(p => p.Key).Select(g => g.Key + ":" + string.Join(",", g.Select(p => p.Value).Order())), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task CombineByKey_WithAndWithoutMapSideCombine_WhenSpilling_MatchesLinq(int seed)
    {
        var (data, rdd) = Input(seed);
        var expected = data.GroupBy(p => p.Key).Select(g => (g.Key, (g.Count(), g.Sum(p => (long)p.Value)))).ToList();
        foreach (var mapSide in new[] { true, false })
        {
            var actual = await Spilling(() => rdd.CombineByKey(
                v => (Count: 1, Sum: (long)v),
                (c, v) => (c.Count + 1, c.Sum + v),
                (a, b) => (a.Count + b.Count, a.Sum + b.Sum),
                new HashPartitioner(4), mapSide).ToListAsync(Ct));
            AssertSameMultiset(expected, actual);
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Join_WhenSpilling_MatchesLinqJoin(int seed)
    {
        var (left, leftRdd) = Input(seed, keys: 3000, hot: false);
        var (right, rightRdd) = Input(seed + 1000, keys: 3000, hot: false);
        var actual = await Spilling(() => leftRdd.Join(rightRdd, 5).ToListAsync(Ct));
        AssertSameMultiset(left.Join(right, l => l.Key, r => r.Key, (l, r) => (l.Key, (l.Value, r.Value))), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task SortByKey_WhenSpilling_MatchesLinqOrderBy(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(10_000, 30_000)).Select(_ => (Key: random.Next(0, 5000), Value: random.Next())).ToArray();
        var rdd = _ctx.Parallelize(data, random.Next(1, 7));
        var partitions = random.Next(1, 5);
        var ascending = await Spilling(() => rdd.SortByKey(true, partitions).ToListAsync(Ct));
        Assert.Equal(data.Select(p => p.Key).Order(), ascending.Select(p => p.Key));
        AssertSameMultiset(data, ascending);
        var descending = await Spilling(() => rdd.SortByKey(false, partitions).ToListAsync(Ct));
        Assert.Equal(data.Select(p => p.Key).OrderDescending(), descending.Select(p => p.Key));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Repartition_WhenSpilling_KeepsEveryElement(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(10_000, 30_000)).Select(_ => random.Next()).ToArray();
        var partitions = random.Next(1, 9);
        var parts = await Spilling(() => _ctx.Parallelize(data, random.Next(1, 7)).Repartition(partitions)
            .SelectPartitions((i, items) => items.Select(x => (Partition: i, Value: x))).ToListAsync(Ct));
        Assert.Equal(data.Order(), parts.Select(p => p.Value).Order());
        Assert.Equal(Math.Min(partitions, data.Length), parts.Select(p => p.Partition).Distinct().Count());
    }

    [Fact]
    public async Task GroupByKey_OnPartitionedInput_GroupsInPlaceWithSpills()
    {
        var (data, rdd) = Input(11);
        var partitioned = rdd.PartitionBy(new HashPartitioner(3));
        var actual = await Spilling(() => partitioned.GroupByKey().Select(g => (g.Key, g.Value.Sum())).ToListAsync(Ct));
        AssertSameMultiset(data.GroupBy(p => p.Key).Select(g => (g.Key, g.Sum(p => p.Value))), actual);
    }
}
