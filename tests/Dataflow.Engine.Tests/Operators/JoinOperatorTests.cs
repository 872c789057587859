using Dataflow.Partitioning;
using Dataflow.Serialization.Records;
using Dataflow.Tests.Support;
using MessagePack;

namespace Dataflow.Tests.Operators;

/// <summary>
/// Outer joins, CoGroup and the LINQ-shaped Join/GroupJoin against LINQ-to-Objects on random, skewed data with random
/// partitioning; each asserts the stages its job ran (one map stage per shuffled input plus the result stage).
/// </summary>
public sealed class JoinOperatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Two random inputs; the right one has other values (long) and a partly different key space.</summary>
    private ((string Key, int Value)[] Left, Rdd<(string Key, int Value)> LeftRdd, (string Key, long Value)[] Right, Rdd<(string Key, long Value)> RightRdd)
        Inputs(int seed)
    {
        var random = new Random(seed);
        var left = TestData.Pairs(random);
        var right = TestData.Pairs(random, keySpace: 45).Select(p => (p.Key, Value: p.Value * 1000L)).ToArray();
        return (left, _ctx.Parallelize(left, TestData.Partitions(random, left.Length)),
            right, _ctx.Parallelize(right, TestData.Partitions(random, right.Length)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task LeftOuterJoin_RandomInputs_MatchesLinqGroupJoinWithDefaultIfEmpty(int seed)
    {
        var (left, leftRdd, right, rightRdd) = Inputs(seed);
        var actual = await StageAssert.RunsStagesAsync(fixture, 3, () => leftRdd.LeftOuterJoin(rightRdd, 4).ToListAsync(Ct), left.Length + right.Length > 0);
        var lookup = right.ToLookup(r => r.Key, r => r.Value);
        StageAssert.SameMultiset(
            left.SelectMany(l => lookup.Contains(l.Key)
                ? lookup[l.Key].Select(r => (l.Key, (l.Value, new Optional<long>(r))))
                : [(l.Key, (l.Value, Optional<long>.None))]),
            actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task RightOuterJoin_RandomInputs_MatchesLinq(int seed)
    {
        var (left, leftRdd, right, rightRdd) = Inputs(seed);
        var actual = await StageAssert.RunsStagesAsync(fixture, 3, () => leftRdd.RightOuterJoin(rightRdd).ToListAsync(Ct), left.Length + right.Length > 0);
        var lookup = left.ToLookup(l => l.Key, l => l.Value);
        StageAssert.SameMultiset(
            right.SelectMany(r => lookup.Contains(r.Key)
                ? lookup[r.Key].Select(l => (r.Key, (new Optional<int>(l), r.Value)))
                : [(r.Key, (Optional<int>.None, r.Value))]),
            actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task FullOuterJoin_RandomInputs_MatchesLinqAndMissingValueTypesAreNotZero(int seed)
    {
        var (left, leftRdd, right, rightRdd) = Inputs(seed);
        var actual = await StageAssert.RunsStagesAsync(fixture, 3,
            () => leftRdd.FullOuterJoin(rightRdd, new HashPartitioner(3)).ToListAsync(Ct), left.Length + right.Length > 0);
        var rightByKey = right.ToLookup(r => r.Key, r => r.Value);
        var leftKeys = left.Select(l => l.Key).ToHashSet();
        var expected = left.SelectMany(l => rightByKey.Contains(l.Key)
                ? rightByKey[l.Key].Select(r => (l.Key, (new Optional<int>(l.Value), new Optional<long>(r))))
                : [(l.Key, (new Optional<int>(l.Value), Optional<long>.None))])
            .Concat(right.Where(r => !leftKeys.Contains(r.Key)).Select(r => (r.Key, (Optional<int>.None, new Optional<long>(r.Value)))));
        StageAssert.SameMultiset(expected, actual);
        Assert.All(actual, row => Assert.True(row.Value.Item1.HasValue || row.Value.Item2.HasValue));
    }

    [Fact]
    public async Task OuterJoin_NullKeysMatchEachOtherAndResultsCrossAShuffle()
    {
        var left = _ctx.Parallelize(new (string? Key, int Value)[] { (null, 1), ("a", 2), ("b", 3) }, 2);
        var right = _ctx.Parallelize(new (string? Key, int Value)[] { (null, 10), ("a", 0), ("c", 30) }, 3);
        // Repartition serialises the optionals (including None next to a present 0) through the shuffle.
        var actual = await left.FullOuterJoin(right).Repartition(2).ToListAsync(Ct);
        StageAssert.SameMultiset(
            ["(, (Some(1), Some(10)))", "(a, (Some(2), Some(0)))", "(b, (Some(3), None))", "(c, (None, Some(30)))"],
            actual.Select(r => r.ToString()));
    }

    [Fact]
    public void Optional_RoundTripsThroughTheRecordSerializer()
    {
        var values = new (string, Optional<int>, Optional<string?>, Optional<(int, string)>)[]
        {
            ("none", Optional<int>.None, Optional<string?>.None, default),
            ("zero", new Optional<int>(0), new Optional<string?>(null), new Optional<(int, string)>((7, "x"))),
        };
        var copy = MessagePackSerializer.Deserialize<(string, Optional<int>, Optional<string?>, Optional<(int, string)>)[]>(
            MessagePackSerializer.Serialize(values, RecordSerializer.Options, Ct), RecordSerializer.Options, Ct);
        Assert.Equal(values, copy);
        Assert.False(copy[0].Item2.HasValue);
        Assert.True(copy[1].Item3.HasValue);
        Assert.Null(copy[1].Item3.Value);
        Assert.Throws<InvalidOperationException>(() => copy[0].Item2.Value);
        Assert.Equal(-1, copy[0].Item2.GetValueOrDefault(-1));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task CoGroup_TwoAndThreeInputs_MatchLinqPerKeyGroups(int seed)
    {
        var (left, leftRdd, right, rightRdd) = Inputs(seed);
        var third = left.Where(l => l.Value % 3 == 0).Select(l => (l.Key, Value: l.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var thirdRdd = _ctx.Parallelize(third, 2);
        var two = await StageAssert.RunsStagesAsync(fixture, 3, () => leftRdd.CoGroup(rightRdd).ToListAsync(Ct), left.Length + right.Length > 0);
        var three = await StageAssert.RunsStagesAsync(fixture, 4, () => leftRdd.CoGroup(rightRdd, thirdRdd, 5).ToListAsync(Ct), left.Length + right.Length > 0);
        var keys = left.Select(l => l.Key).Union(right.Select(r => r.Key)).ToList();
        static string Values<T>(IEnumerable<T> values) => string.Join(",", values.Order());
        StageAssert.SameMultiset(
            keys.Select(k => $"{k}|{Values(left.Where(l => l.Key == k).Select(l => l.Value))}|{Values(right.Where(r => r.Key == k).Select(r => r.Value))}"),
            two.Select(g => $"{g.Key}|{Values(g.Value.First)}|{Values(g.Value.Second)}"));
        StageAssert.SameMultiset(
            keys.Select(k => $"{k}|{Values(left.Where(l => l.Key == k).Select(l => l.Value))}|{Values(right.Where(r => r.Key == k).Select(r => r.Value))}" +
                $"|{Values(third.Where(t => t.Key == k).Select(t => t.Value))}"),
            three.Select(g => $"{g.Key}|{Values(g.Value.First)}|{Values(g.Value.Second)}|{Values(g.Value.Third)}"));
    }

    [Fact]
    public async Task CoGroupAndJoins_InputsPartitionedLikeTheResult_AreNotShuffledAgain()
    {
        var partitioner = new HashPartitioner(4);
        var data = Enumerable.Range(0, 400).Select(i => (Key: i % 23, Value: i)).ToArray();
        var other = Enumerable.Range(0, 100).Select(i => (Key: i % 31, Value: (long)i)).ToArray();
        var partitioned = _ctx.Parallelize(data, 3).PartitionBy(partitioner);
        var otherPartitioned = _ctx.Parallelize(other, 2).PartitionBy(partitioner);
        var unpartitioned = _ctx.Parallelize(other, 2);
        await partitioned.CountAsync(Ct);
        await otherPartitioned.CountAsync(Ct);
        // One input in place: only the other one's map stage runs before the result stage.
        var mixed = await StageAssert.RunsStagesAsync(fixture, 2, () => partitioned.CoGroup(unpartitioned).ToListAsync(Ct));
        Assert.Equal(data.Select(d => d.Key).Union(other.Select(o => o.Key)).Count(), mixed.Count);
        // Both in place (their shuffles already ran): the join is a single narrow stage.
        var joined = partitioned.LeftOuterJoin(otherPartitioned);
        Assert.Same(partitioner, joined.Partitioner);
        var rows = await StageAssert.RunsStagesAsync(fixture, 1, () => joined.ToListAsync(Ct));
        Assert.Equal(data.Sum(d => Math.Max(1, other.Count(o => o.Key == d.Key))), rows.Count);
        var kept = await StageAssert.RunsStagesAsync(fixture, 1, () => partitioned.SubtractByKey(otherPartitioned).CountAsync(Ct));
        Assert.Equal(data.Count(d => !other.Any(o => o.Key == d.Key)), kept);
    }

    /// <summary>Orders and customers with some null customer ids on both sides (which LINQ never matches).</summary>
    private static ((int Id, string? Customer, int Total)[] Orders, (string? Id, string Name)[] Customers) People(int seed)
    {
        var random = new Random(seed);
        var orders = Enumerable.Range(0, random.Next(0, 200))
            .Select(i => (Id: i, Customer: random.Next(8) == 0 ? null : "c" + random.Next(25), Total: random.Next(1, 100))).ToArray();
        var customers = Enumerable.Range(0, random.Next(0, 30))
            .Select(i => (Id: i % 7 == 6 ? null : "c" + random.Next(30), Name: "n" + i)).ToArray();
        return (orders, customers);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Join_LinqShapeWithNullKeys_MatchesLinqJoin(int seed)
    {
        var (orders, customers) = People(seed);
        var random = new Random(seed);
        var ordersRdd = _ctx.Parallelize(orders, TestData.Partitions(random, orders.Length));
        var customersRdd = _ctx.Parallelize(customers, TestData.Partitions(random, customers.Length));
        var actual = await StageAssert.RunsStagesAsync(fixture, 3,
            () => ordersRdd.Join(customersRdd, o => o.Customer, c => c.Id, (o, c) => (o.Id, c.Name)).ToListAsync(Ct),
            orders.Any(o => o.Customer is not null) || customers.Any(c => c.Id is not null));
        StageAssert.SameMultiset(orders.Join(customers, o => o.Customer, c => c.Id, (o, c) => (o.Id, c.Name)), actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task GroupJoin_RandomInputsWithNullKeys_MatchesLinqGroupJoin(int seed)
    {
        var (orders, customers) = People(seed);
        var random = new Random(seed);
        var ordersRdd = _ctx.Parallelize(orders, TestData.Partitions(random, orders.Length));
        var customersRdd = _ctx.Parallelize(customers, TestData.Partitions(random, customers.Length));
        var actual = await StageAssert.RunsStagesAsync(fixture, 3,
            () => customersRdd.GroupJoin(ordersRdd, c => c.Id, o => o.Customer, (c, placed) => (c.Name, Totals: string.Join(",", placed.Select(o => o.Total).Order())))
                .ToListAsync(Ct),
            orders.Any(o => o.Customer is not null) || customers.Length > 0);
        StageAssert.SameMultiset(
            customers.GroupJoin(orders, c => c.Id, o => o.Customer, (c, placed) => (c.Name, Totals: string.Join(",", placed.Select(o => o.Total).Order()))),
            actual);
    }
}
