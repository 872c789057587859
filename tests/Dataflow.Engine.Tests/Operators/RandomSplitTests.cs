using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

public sealed class RandomSplitTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 10)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Seeds))]
    public async Task RandomSplit_RandomWeights_SplitsAreDisjointOrderedAndCoverTheInput(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(0, 2_000)).ToArray();
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var weights = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.NextDouble() * 10).ToArray();

        var splits = rdd.RandomSplit(weights, seed);
        var parts = new List<List<int>>();
        foreach (var split in splits)
        {
            parts.Add(await split.ToListAsync(Ct));
        }

        Assert.Equal(weights.Length, splits.Length);
        Assert.All(splits, s => Assert.Equal(rdd.NumPartitions, s.NumPartitions));
        // Each split is an ordered subsequence (the input is ascending and distinct); together they are the input.
        Assert.All(parts, p => Assert.Equal(p.Order(), p));
        Assert.Equal(data, parts.SelectMany(p => p).Order());
    }

    [Fact]
    public async Task RandomSplit_ManyElements_SizesFollowTheNormalisedWeights()
    {
        const int n = 200_000;
        var rdd = _ctx.Range(0, n, numSlices: 7);
        double[] weights = [1, 2, 7];

        var splits = rdd.RandomSplit(weights, seed: 42);

        // Binomial standard deviation of a fraction here is at most sqrt(0.25 / n) ≈ 0.0011; 0.006 is over 5 sigma.
        for (var i = 0; i < splits.Length; i++)
        {
            var fraction = await splits[i].CountAsync(Ct) / (double)n;
            Assert.InRange(fraction, weights[i] / 10 - 0.006, weights[i] / 10 + 0.006);
        }
    }

    [Fact]
    public async Task RandomSplit_SameSeed_SameSplitsEvenWhenWeightsAreScaled()
    {
        var rdd = _ctx.Range(0, 5_000, numSlices: 4);

        var a = rdd.RandomSplit([0.8, 0.2], seed: 11);
        var b = rdd.RandomSplit([4.0, 1.0], seed: 11);
        var c = rdd.RandomSplit([0.8, 0.2], seed: 12);

        Assert.Equal(await a[0].ToListAsync(Ct), await b[0].ToListAsync(Ct));
        Assert.Equal(await a[1].ToListAsync(Ct), await b[1].ToListAsync(Ct));
        Assert.Equal(await a[1].ToListAsync(Ct), await a[1].ToListAsync(Ct));
        Assert.NotEqual(await a[1].ToListAsync(Ct), await c[1].ToListAsync(Ct));
    }

    [Fact]
    public async Task RandomSplit_FirstSplit_IsTheBernoulliSampleOfItsFraction()
    {
        // Both draw one number per element from the same per-partition stream, so split 0 keeps exactly the draws
        // below 0.3, as Sample(false, 0.3) does.
        var rdd = _ctx.Range(0, 3_000, numSlices: 5);

        var splits = rdd.RandomSplit([0.3, 0.7], seed: 5);

        Assert.Equal(await rdd.Sample(false, 0.3, 5).ToListAsync(Ct), await splits[0].ToListAsync(Ct));
    }

    [Fact]
    public async Task RandomSplit_ZeroWeight_GivesAnEmptySplit()
    {
        var rdd = _ctx.Range(0, 1_000, numSlices: 3);

        var splits = rdd.RandomSplit([1, 0, 1], seed: 3);

        Assert.Equal(0, await splits[1].CountAsync(Ct));
        Assert.Equal(1_000, await splits[0].CountAsync(Ct) + await splits[2].CountAsync(Ct));
    }

    [Fact]
    public async Task RandomSplit_OneWeight_KeepsEverything()
    {
        var rdd = _ctx.Range(0, 777, numSlices: 3);

        Assert.Equal(777, await Assert.Single(rdd.RandomSplit([0.25], seed: 1)).CountAsync(Ct));
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 0.0, 0.0 })]
    [InlineData(new[] { 1.0, -0.5 })]
    [InlineData(new[] { 1.0, double.NaN })]
    [InlineData(new[] { double.PositiveInfinity })]
    [InlineData(new[] { double.MaxValue, double.MaxValue })]
    public void RandomSplit_BadWeights_ThrowsWhenBuilt(double[] weights)
    {
        var rdd = _ctx.Range(0, 10);

        var error = Assert.ThrowsAny<ArgumentException>(() => rdd.RandomSplit(weights, seed: 1));

        Assert.Contains("RandomSplit", error.Message, StringComparison.Ordinal);
    }
}
