using Dataflow.Partitioning;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>
/// Distinct, Union, Intersect, Except and Subtract against LINQ-to-Objects on random data with duplicates and nulls.
/// Each asserts through the event recorder that it ran as one shuffle (a map stage and the result stage) that wrote
/// bytes.
/// </summary>
public sealed class SetOperatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Words from a small pool, so there are many duplicates, with about one in ten <c>null</c>.</summary>
    private (string?[] Data, Rdd<string?> Rdd) Input(Random random, int maxCount = 200)
    {
        var pool = random.Next(1, 30);
        var data = Enumerable.Range(0, random.Next(0, maxCount))
            .Select(_ => random.Next(10) == 0 ? null : "w" + random.Next(pool).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    /// <summary>Runs the action and asserts it ran two stages (map + result) and, for non-empty input, shuffled bytes.</summary>
    private async Task<List<string?>> Shuffled(Rdd<string?> rdd, bool inputIsEmpty)
    {
        await fixture.ResetEventsAsync();
        var result = await rdd.ToListAsync(Ct);
        await _ctx.Listeners.FlushAsync();
        var stages = fixture.Recorder.StagesRun(fixture.Recorder.LastJobId);
        Assert.Equal(2, stages.Count);
        Assert.True(inputIsEmpty || stages.Sum(s => s.Metrics.ShuffleWriteBytes) > 0, "expected shuffle bytes to be written");
        return result;
    }

    private static void AssertSameMultiset(IEnumerable<string?> expected, IEnumerable<string?> actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));

    [Theory, MemberData(nameof(Seeds))]
    public async Task Distinct_RandomInputWithNulls_MatchesLinqDistinct(int seed)
    {
        var random = new Random(seed);
        var (data, rdd) = Input(random);
        AssertSameMultiset(data.Distinct(), await Shuffled(rdd.Distinct(), data.Length == 0));
        var partitions = random.Next(1, 6);
        var distinct = rdd.Distinct(partitions);
        Assert.Equal(partitions, distinct.NumPartitions);
        AssertSameMultiset(data.Distinct(), await Shuffled(distinct, data.Length == 0));
    }

    [Fact]
    public async Task Distinct_NullableValues_TreatsNullAsOneElement()
    {
        int?[] data = [null, 1, 2, null, 1, 3, null];
        var distinct = await _ctx.Parallelize(data, 3).Distinct(2).ToListAsync(Ct);
        Assert.Equal(data.Distinct().Order(), distinct.Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => _ctx.Parallelize(data, 3).Distinct(0));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Union_RandomInputs_MatchesLinqUnion(int seed)
    {
        var random = new Random(seed);
        var (first, firstRdd) = Input(random);
        var (second, secondRdd) = Input(random);
        var empty = first.Length + second.Length == 0;
        var union = firstRdd.Union(secondRdd);
        Assert.Equal(Math.Max(firstRdd.NumPartitions, secondRdd.NumPartitions), union.NumPartitions);
        AssertSameMultiset(first.Union(second), await Shuffled(union, empty));
        AssertSameMultiset(first.Union(second), await Shuffled(firstRdd.Union(secondRdd, 3), empty));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Intersect_RandomInputs_MatchesLinqIntersect(int seed)
    {
        var random = new Random(seed);
        var (first, firstRdd) = Input(random);
        var (second, secondRdd) = Input(random);
        var empty = first.Length + second.Length == 0;
        AssertSameMultiset(first.Intersect(second), await Shuffled(firstRdd.Intersect(secondRdd), empty));
        var partitioner = new HashPartitioner(random.Next(1, 5));
        var intersect = firstRdd.Intersect(secondRdd, partitioner);
        Assert.Equal(partitioner.NumPartitions, intersect.NumPartitions);
        AssertSameMultiset(first.Intersect(second), await Shuffled(intersect, empty));
        AssertSameMultiset(second.Intersect(first), await Shuffled(secondRdd.Intersect(firstRdd, 2), empty));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Except_RandomInputs_MatchesLinqExcept(int seed)
    {
        var random = new Random(seed);
        var (first, firstRdd) = Input(random);
        var (second, secondRdd) = Input(random, maxCount: 40);
        var empty = first.Length + second.Length == 0;
        var except = firstRdd.Except(secondRdd);
        Assert.Equal(firstRdd.NumPartitions, except.NumPartitions);
        AssertSameMultiset(first.Except(second), await Shuffled(except, empty));
        AssertSameMultiset(second.Except(first), await Shuffled(secondRdd.Except(firstRdd, 4), empty));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Subtract_RandomInputs_KeepsLeftDuplicatesNotInRight(int seed)
    {
        var random = new Random(seed);
        var (first, firstRdd) = Input(random);
        var (second, secondRdd) = Input(random, maxCount: 40);
        var empty = first.Length + second.Length == 0;
        var right = second.ToHashSet();
        var subtract = firstRdd.Subtract(secondRdd);
        Assert.Equal(firstRdd.NumPartitions, subtract.NumPartitions);
        AssertSameMultiset(first.Where(x => !right.Contains(x)), await Shuffled(subtract, empty));
        AssertSameMultiset(first.Where(x => !right.Contains(x)), await Shuffled(firstRdd.Subtract(secondRdd, new HashPartitioner(3)), empty));
        var left = first.ToHashSet();
        AssertSameMultiset(second.Where(x => !left.Contains(x)), await Shuffled(secondRdd.Subtract(firstRdd, 2), empty));
    }

    [Fact]
    public async Task SetOperations_ComplexElements_CompareByValue()
    {
        (int, string)[] first = [(1, "a"), (1, "a"), (2, "b"), (3, "c")];
        (int, string)[] second = [(1, "a"), (3, "x"), (4, "d")];
        var a = _ctx.Parallelize(first, 2);
        var b = _ctx.Parallelize(second, 3);
        Assert.Equal(first.Intersect(second).Order(), (await a.Intersect(b).ToListAsync(Ct)).Order());
        Assert.Equal(first.Except(second).Order(), (await a.Except(b).ToListAsync(Ct)).Order());
        Assert.Equal(first.Union(second).Order(), (await a.Union(b).ToListAsync(Ct)).Order());
        Assert.Equal([(2, "b"), (3, "c")], (await a.Subtract(b).ToListAsync(Ct)).Order());
    }
}
