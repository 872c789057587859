using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>
/// FlatMapValues, Coalesce, Repartition, Sample, Glom and Cartesian against LINQ-to-Objects on random data with
/// random partitioning (empty partitions included).
/// </summary>
public sealed class NarrowOperatorFamilyTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (int[] Data, Rdd<int> Rdd) Input(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random);
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    /// <summary>Runs the action and asserts it ran in a single stage that wrote no shuffle output.</summary>
    private async Task<T> OneStage<T>(Func<Task<T>> action)
    {
        await fixture.ResetEventsAsync();
        var result = await action();
        await _ctx.Listeners.FlushAsync();
        var stages = fixture.Recorder.StagesRun(fixture.Recorder.LastJobId);
        Assert.Single(stages);
        Assert.Equal(0, stages[0].Metrics.ShuffleWriteBytes);
        return result;
    }

    private static IEnumerable<int> Expand(int v) => Enumerable.Range(0, Math.Abs(v) % 4).Select(i => (v * 10) + i);

    [Theory, MemberData(nameof(Seeds))]
    public async Task FlatMapValues_RandomPairs_MatchesLinqInOrderAndKeepsPartitioner(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Pairs(random);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        Assert.Equal(data.SelectMany(p => Expand(p.Value), (p, v) => (p.Key, v)), await rdd.FlatMapValues(Expand).ToListAsync(Ct));

        var partitioner = new HashPartitioner(3);
        var flattened = rdd.PartitionBy(partitioner).FlatMapValues(Expand);
        Assert.Same(partitioner, flattened.Partitioner);
        var placed = await flattened.SelectPartitions((i, items) => items.Select(kv => (i, kv))).ToListAsync(Ct);
        Assert.All(placed, p => Assert.Equal(partitioner.GetPartition(p.kv.Key), p.i));
        Assert.Equal(
            data.SelectMany(p => Expand(p.Value), (p, v) => (p.Key, v)).Order(),
            placed.Select(p => p.kv).Order());
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Coalesce_RandomTarget_KeepsOrderAndMergesAdjacentBalancedGroups(int seed)
    {
        var (data, rdd) = Input(seed);
        var target = new Random(seed).Next(1, rdd.NumPartitions + 3);
        var coalesced = rdd.Coalesce(target);
        if (target >= rdd.NumPartitions)
        {
            Assert.Same(rdd, coalesced);
            return;
        }

        Assert.Equal(target, coalesced.NumPartitions);
        var dependency = Assert.IsAssignableFrom<NarrowDependency>(Assert.Single(coalesced.Dependencies));
        var groups = Enumerable.Range(0, target).Select(dependency.GetParents).ToList();
        Assert.Equal(Enumerable.Range(0, rdd.NumPartitions), groups.SelectMany(g => g));
        Assert.True(groups.Max(g => g.Count) - groups.Min(g => g.Count) <= 1, string.Join(" | ", groups.Select(g => string.Join(",", g))));

        // No preferred locations here, so every group is a run of adjacent partitions and the order is kept.
        Assert.Equal(data, await OneStage(() => coalesced.ToListAsync(Ct)));
        var sizes = await coalesced.Glom().Select(part => part.Length).ToListAsync(Ct);
        var parentSizes = await rdd.Glom().Select(part => part.Length).ToListAsync(Ct);
        Assert.Equal(groups.Select(g => g.Sum(p => parentSizes[p])), sizes);
    }

    [Fact]
    public void Coalesce_InvalidCount_ThrowsWhenBuilt()
    {
        var rdd = _ctx.Parallelize([1, 2, 3], 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Coalesce(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Coalesce(-2));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task CoalesceAndRepartition_AnyTarget_PreserveTheMultiset(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random, maxCount: 600);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length)).Where(x => x % 7 != 0).Select(x => x * 2);
        var expected = data.Where(x => x % 7 != 0).Select(x => x * 2).Order().ToList();
        foreach (var target in new[] { 1, random.Next(1, 5), random.Next(5, 15) })
        {
            Assert.Equal(expected, (await rdd.Coalesce(target).ToListAsync(Ct)).Order());
            Assert.Equal(expected, (await rdd.Repartition(target).ToListAsync(Ct)).Order());
            Assert.Equal(expected, (await rdd.Repartition(target).Coalesce(Math.Max(1, target / 2)).ToListAsync(Ct)).Order());
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Sample_WithoutReplacement_IsAnOrderedSubsetWithoutRepeats(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(0, 3000)).OrderBy(_ => random.Next()).ToArray();
        var position = data.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var fraction = random.NextDouble();
        var sample = await rdd.Sample(false, fraction, seed).ToListAsync(Ct);
        Assert.Equal(sample.Count, sample.Distinct().Count());
        Assert.All(sample, x => Assert.True(position.ContainsKey(x)));
        Assert.Equal(sample.Select(x => position[x]).Order(), sample.Select(x => position[x]));
        Assert.Equal(sample, await rdd.Sample(false, fraction, seed).ToListAsync(Ct));
    }

    [Fact]
    public async Task Sample_Seeds_SameSeedSameSampleDifferentSeedsDiffer()
    {
        var rdd = _ctx.Range(0, 5000, 1, 4);
        var first = await rdd.Sample(false, 0.5, 7).ToListAsync(Ct);
        Assert.Equal(first, await rdd.Sample(false, 0.5, 7).ToListAsync(Ct));
        Assert.NotEqual(first, await rdd.Sample(false, 0.5, 8).ToListAsync(Ct));
        var withReplacement = await rdd.Sample(true, 0.5, 7).ToListAsync(Ct);
        Assert.Equal(withReplacement, await rdd.Sample(true, 0.5, 7).ToListAsync(Ct));
        Assert.NotEqual(withReplacement, await rdd.Sample(true, 0.5, 8).ToListAsync(Ct));

        // Partitions draw from different streams: equal partitions do not get the same positions sampled.
        var perPartition = await rdd.Select(x => x % 1250).Sample(false, 0.5, 7).Glom().ToListAsync(Ct);
        Assert.NotEqual(perPartition[0], perPartition[1]);
    }

    [Theory]
    [InlineData(false, 0.3, 20_000)]
    [InlineData(true, 0.3, 20_000)]
    [InlineData(true, 1.5, 20_000)]
    [InlineData(true, 20.0, 2_000)]
    public async Task Sample_Size_IsNearTheExpectedCount(bool withReplacement, double fraction, int count)
    {
        var sample = await _ctx.Range(0, count, 1, 5).Sample(withReplacement, fraction, 11).ToListAsync(Ct);
        var mean = fraction * count;
        var sigma = Math.Sqrt(withReplacement ? mean : count * fraction * (1 - fraction));
        Assert.InRange(sample.Count, mean - (5 * sigma), mean + (5 * sigma));
        Assert.All(sample, x => Assert.InRange(x, 0, count - 1));
        if (withReplacement)
        {
            Assert.True(sample.Count > sample.Distinct().Count(), "with replacement some element should appear more than once");
        }
    }

    [Fact]
    public async Task Sample_EdgeFractionsAndBadArguments_BehaveLikeSpark()
    {
        var partitioner = new HashPartitioner(3);
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 100).Select(i => (i, i)), 4).PartitionBy(partitioner);
        Assert.Empty(await rdd.Sample(false, 0, 1).ToListAsync(Ct));
        Assert.Empty(await rdd.Sample(true, 0, 1).ToListAsync(Ct));
        Assert.Equal(100, await rdd.Sample(false, 1, 1).CountAsync(Ct));
        Assert.Same(partitioner, rdd.Sample(false, 0.5, 1).Partitioner);
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Sample(false, 1.01, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Sample(false, -0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Sample(true, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Sample(true, double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.Sample(true, double.PositiveInfinity, 1));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Glom_RandomInput_OneArrayPerPartitionInOrder(int seed)
    {
        var (data, rdd) = Input(seed);
        var parts = await rdd.Glom().ToListAsync(Ct);
        Assert.Equal(rdd.NumPartitions, parts.Count);
        Assert.Equal(data, parts.SelectMany(p => p));
        Assert.Equal(await rdd.SelectPartitions(items => new[] { items.Count() }).ToListAsync(Ct), parts.Select(p => p.Length));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Cartesian_RandomInputs_MatchesLinqInOneStage(int seed)
    {
        var random = new Random(seed);
        var left = TestData.Ints(random, maxCount: 40);
        var right = TestData.Pairs(random, maxCount: 30);
        var leftRdd = _ctx.Parallelize(left, random.Next(1, 5));
        var rightRdd = _ctx.Parallelize(right, random.Next(1, 5));
        var product = leftRdd.Cartesian(rightRdd);
        Assert.Equal(leftRdd.NumPartitions * rightRdd.NumPartitions, product.NumPartitions);
        var actual = await OneStage(() => product.ToListAsync(Ct));
        Assert.Equal((from l in left from r in right select (l, r)).Order(), actual.Order());

        // Partition i * n + j pairs left partition i with right partition j.
        var leftParts = await leftRdd.Glom().ToListAsync(Ct);
        var rightParts = await rightRdd.Glom().ToListAsync(Ct);
        var parts = await product.Glom().ToListAsync(Ct);
        for (var p = 0; p < parts.Count; p++)
        {
            var (i, j) = (p / rightRdd.NumPartitions, p % rightRdd.NumPartitions);
            Assert.Equal(from l in leftParts[i] from r in rightParts[j] select (l, r), parts[p]);
        }
    }
}
