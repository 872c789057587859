using Dataflow.Partitioning;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>
/// OrderBy/ThenBy and RepartitionAndSortWithinPartitions against LINQ-to-Objects: the sequence of sort keys must equal
/// LINQ's (ties may come in any order), every element must be kept, and a whole ordering must be one shuffle.
/// </summary>
public sealed class OrderingTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Public: records crossing a shuffle must be public types for MessagePack's dynamic formatters.
    public sealed record Person(string Name, int Age, string? City);

    private static Person[] People(Random random) =>
        [.. Enumerable.Range(0, random.Next(1, 400)).Select(i => new Person(
            "p" + random.Next(60), random.Next(15, 25), random.Next(10) == 0 ? null : "C" + (char)('a' + random.Next(5))))];

    /// <summary>Runs the sorted RDD, asserting one sampling job and then a job of exactly one shuffle map stage plus the result stage.</summary>
    private async Task<List<T>> SortedAsync<T>(Rdd<T> sorted)
    {
        var result = await StageAssert.RunsStagesAsync(fixture, 2, () => sorted.ToListAsync(Ct));
        Assert.Equal(2, fixture.Recorder.Events.OfType<JobStartEvent>().Count());
        return result;
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task OrderBy_BothDirections_MatchesLinqKeySequence(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random, maxCount: 500, maxValue: 1000);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var partitions = random.Next(1, 6);
        var ascending = await SortedAsync(rdd.OrderBy(x => x / 3, numPartitions: partitions));
        Assert.Equal(data.OrderBy(x => x / 3).Select(x => x / 3), ascending.Select(x => x / 3));
        StageAssert.SameMultiset(data, ascending);
        var descending = await SortedAsync(rdd.OrderByDescending(x => x / 3, numPartitions: partitions));
        Assert.Equal(data.OrderByDescending(x => x / 3).Select(x => x / 3), descending.Select(x => x / 3));
        StageAssert.SameMultiset(data, descending);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task OrderByThenBy_MixedDirectionsAndNullKeys_MatchesLinqInOneShuffle(int seed)
    {
        var random = new Random(seed);
        var people = People(random);
        var rdd = _ctx.Parallelize(people, TestData.Partitions(random, people.Length));
        var sorted = await SortedAsync(rdd.OrderBy(p => p.City).ThenByDescending(p => p.Age).ThenBy(p => p.Name, StringComparer.Ordinal));
        Assert.Equal(
            people.OrderBy(p => p.City).ThenByDescending(p => p.Age).ThenBy(p => p.Name, StringComparer.Ordinal).Select(p => (p.City, p.Age, p.Name)),
            sorted.Select(p => (p.City, p.Age, p.Name)));
        StageAssert.SameMultiset(people, sorted);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task OrderByDescending_CustomComparerAndPartitionCount_MatchesLinq(int seed)
    {
        var random = new Random(seed);
        var people = People(random).Select(p => p with { Name = random.Next(2) == 0 ? p.Name.ToUpperInvariant() : p.Name }).ToArray();
        var rdd = _ctx.Parallelize(people, TestData.Partitions(random, people.Length));
        var ordered = rdd.OrderByDescending(p => p.Name, StringComparer.OrdinalIgnoreCase, numPartitions: 3).ThenBy(p => p.Age);
        Assert.Equal(3, ordered.NumPartitions);
        var sorted = await SortedAsync(ordered);
        Assert.Equal(
            people.OrderByDescending(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Age).Select(p => (p.Name.ToUpperInvariant(), p.Age)),
            sorted.Select(p => (p.Name.ToUpperInvariant(), p.Age)));
    }

    [Fact]
    public async Task OrderBy_ManyDistinctKeys_BalancesPartitionsAndOrdersAcrossThem()
    {
        var data = Enumerable.Range(0, 4000).Select(i => i * 7919 % 4000).ToArray();
        var sorted = _ctx.Parallelize(data, 4).OrderByDescending(x => x, numPartitions: 4);
        var parts = await sorted.SelectPartitions(items => new[] { items.ToList() }).ToListAsync(Ct);
        Assert.All(parts, part => Assert.InRange(part.Count, 400, 1600));
        Assert.Equal(data.OrderDescending(), parts.SelectMany(p => p));
    }

    [Fact]
    public async Task OrderBy_EmptyInput_IsEmpty()
    {
        Assert.Empty(await _ctx.Parallelize(Array.Empty<int>(), 3).OrderBy(x => -x).ThenBy(x => x).ToListAsync(Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task RepartitionAndSortWithinPartitions_RandomInput_PlacesAndSortsEveryKey(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Pairs(random);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var partitioner = new HashPartitioner(random.Next(1, 6));
        var sorted = rdd.RepartitionAndSortWithinPartitions(partitioner, StringComparer.Ordinal);
        Assert.Same(partitioner, sorted.Partitioner);
        var parts = await StageAssert.RunsStagesAsync(fixture, 2,
            () => sorted.SelectPartitions((i, items) => new[] { (Index: i, Items: items.ToList()) }).ToListAsync(Ct), data.Length > 0);
        Assert.All(parts, part =>
        {
            Assert.Equal(part.Items.Select(kv => kv.Key).Order(StringComparer.Ordinal), part.Items.Select(kv => kv.Key));
            Assert.All(part.Items, kv => Assert.Equal(part.Index, partitioner.GetPartition(kv.Key)));
        });
        StageAssert.SameMultiset(data, parts.SelectMany(p => p.Items));
    }

    [Fact]
    public async Task RepartitionAndSortWithinPartitions_AlreadyPartitioned_SortsInPlace()
    {
        var partitioner = new HashPartitioner(3);
        var data = Enumerable.Range(0, 300).Select(i => (Key: i * 37 % 101, Value: i)).ToArray();
        var partitioned = _ctx.Parallelize(data, 4).PartitionBy(partitioner);
        await partitioned.CountAsync(Ct);
        var descending = Comparer<int>.Create((a, b) => b.CompareTo(a));
        var sorted = partitioned.RepartitionAndSortWithinPartitions(partitioner, descending);
        var parts = await StageAssert.RunsStagesAsync(fixture, 1, () => sorted.SelectPartitions(items => new[] { items.Select(kv => kv.Key).ToList() }).ToListAsync(Ct));
        Assert.Equal(3, parts.Count);
        Assert.All(parts, keys => Assert.Equal(keys.OrderDescending(), keys));
        Assert.Equal(data.Length, parts.Sum(p => p.Count));
    }
}
