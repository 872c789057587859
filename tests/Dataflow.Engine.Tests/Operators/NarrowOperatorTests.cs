using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>Narrow operators and actions against LINQ-to-Objects on random data and random partitioning.</summary>
public sealed class NarrowOperatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private (int[] Data, Rdd<int> Rdd) Input(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random);
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Select_RandomInput_MatchesLinqInOrder(int seed)
    {
        var (data, rdd) = Input(seed);
        Assert.Equal(data.Select(x => x * 3 + 1), await rdd.Select(x => x * 3 + 1).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Where_RandomInput_MatchesLinqInOrder(int seed)
    {
        var (data, rdd) = Input(seed);
        Assert.Equal(data.Where(x => x % 3 == 0), await rdd.Where(x => x % 3 == 0).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task SelectMany_BothOverloads_MatchLinqInOrder(int seed)
    {
        var (data, rdd) = Input(seed);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(data.SelectMany(x => Enumerable.Repeat(x, Math.Abs(x) % 3)),
            await rdd.SelectMany(x => Enumerable.Repeat(x, Math.Abs(x) % 3)).ToListAsync(ct));
        Assert.Equal(
            from x in data from y in Enumerable.Range(0, Math.Abs(x) % 4) select x * 10 + y,
            await (from x in rdd from y in Enumerable.Range(0, Math.Abs(x) % 4) select x * 10 + y).ToListAsync(ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task SelectPartitions_WithIndex_SeesEachPartitionOnceInOrder(int seed)
    {
        var (data, rdd) = Input(seed);
        var ct = TestContext.Current.CancellationToken;
        var tagged = await rdd.SelectPartitions((index, items) => items.Select(x => (index, x))).ToListAsync(ct);
        Assert.Equal(data, tagged.Select(t => t.x));
        Assert.Equal(tagged.Select(t => t.index).Order(), tagged.Select(t => t.index));
        Assert.All(tagged, t => Assert.InRange(t.index, 0, rdd.NumPartitions - 1));
        var sums = await rdd.SelectPartitions(items => new[] { items.Sum() }).ToListAsync(ct);
        Assert.Equal(rdd.NumPartitions, sums.Count);
        Assert.Equal(data.Sum(), sums.Sum());
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task KeyValueProjections_MatchLinq(int seed)
    {
        var (data, rdd) = Input(seed);
        var ct = TestContext.Current.CancellationToken;
        var keyed = rdd.KeyBy(x => x % 5);
        Assert.Equal(data.Select(x => (x % 5, x)), await keyed.ToListAsync(ct));
        Assert.Equal(data.Select(x => (x % 5, x.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            await keyed.MapValues(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToListAsync(ct));
        Assert.Equal(data.Select(x => x % 5), await keyed.Keys().ToListAsync(ct));
        Assert.Equal(data, await keyed.Values().ToListAsync(ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Concat_KeepsDuplicatesAndOrder(int seed)
    {
        var (data, rdd) = Input(seed);
        var (other, otherRdd) = Input(seed + 100);
        var concatenated = rdd.Concat(otherRdd);
        Assert.Equal(rdd.NumPartitions + otherRdd.NumPartitions, concatenated.NumPartitions);
        Assert.Equal(data.Concat(other), await concatenated.ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task CountAndLongCount_MatchLinq(int seed)
    {
        var (data, rdd) = Input(seed);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(data.Count(x => x > 0), await rdd.Where(x => x > 0).CountAsync(ct));
        Assert.Equal(data.LongLength, await rdd.LongCountAsync(ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TakeAsync_AnyCount_MatchesLinqTake(int seed)
    {
        var (data, rdd) = Input(seed);
        var ct = TestContext.Current.CancellationToken;
        foreach (var n in new[] { 0, 1, 7, data.Length / 2, data.Length, data.Length + 5 })
        {
            Assert.Equal(data.Take(n), await rdd.TakeAsync(n, ct));
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task AggregateAsync_AllForms_MatchLinq(int seed)
    {
        var (data, rdd) = Input(seed);
        var ct = TestContext.Current.CancellationToken;
        if (data.Length == 0)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => rdd.AggregateAsync((a, b) => a + b, ct));
        }
        else
        {
            Assert.Equal(data.Aggregate((a, b) => a + b), await rdd.AggregateAsync((a, b) => a + b, ct));
        }

        Assert.Equal(data.Sum(), await rdd.AggregateAsync(0, (a, b) => a + b, ct));
        var (count, sum) = await rdd.AggregateAsync((Count: 0, Sum: 0L), (acc, x) => (acc.Count + 1, acc.Sum + x),
            (a, b) => (a.Count + b.Count, a.Sum + b.Sum), ct);
        Assert.Equal((data.Length, data.Sum(x => (long)x)), (count, sum));
    }

    [Fact]
    public async Task AggregateAsync_MutableSeed_EachPartitionGetsItsOwnCopy()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(1, 100), 5);
        var seed = new List<int>();
        var all = await rdd.AggregateAsync(seed, (list, x) => { list.Add(x); return list; }, (a, b) => { a.AddRange(b); return a; },
            TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 100), all.Order());
        Assert.Empty(seed);
    }

    [Fact]
    public async Task ForEachPartitionAsync_VisitsEveryElementOnce()
    {
        var data = Enumerable.Range(0, 1000).ToArray();
        // An accumulator, not a captured collection: the function may run in another process.
        var seen = _ctx.CollectionAccumulator<int>();
        await _ctx.Parallelize(data, 7).ForEachPartitionAsync(items =>
        {
            foreach (var x in items)
            {
                seen.Add(x);
            }
        }, TestContext.Current.CancellationToken);
        Assert.Equal(data, seen.Value.Order());
    }

    [Theory]
    [InlineData(0, 10, 1, 3)]
    [InlineData(5, -7, -3, 4)]
    [InlineData(0, 0, 1, 2)]
    [InlineData(-10, 100, 7, 5)]
    public async Task Range_MatchesLoop(long start, long end, long step, int slices)
    {
        var expected = new List<long>();
        for (var v = start; step > 0 ? v < end : v > end; v += step)
        {
            expected.Add(v);
        }

        Assert.Equal(expected, await _ctx.Range(start, end, step, slices).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task NarrowChain_RunsAsOneStage()
    {
        await fixture.ResetEventsAsync();
        await _ctx.Range(0, 100, 1, 4).Select(x => x * 2).Where(x => x % 3 == 0).SelectMany(x => new[] { x, x }).CountAsync(TestContext.Current.CancellationToken);
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.StagesRunSinceClear);
        Assert.Equal(0, fixture.Recorder.ShuffleBytesWrittenSinceClear);
    }
}
