using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>StatsAsync against a two-pass float64 computation, StatCounter merging, and Spark's histogram semantics.</summary>
public sealed class StatsAndHistogramTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Values with a large common offset and a random scale: the case where naive sum-of-squares variance fails.</summary>
    private static double[] Doubles(Random random)
    {
        var offset = random.Next(3) switch { 0 => 0, 1 => 1e6, _ => -1e9 };
        var scale = Math.Pow(10, random.Next(-3, 4));
        return [.. Enumerable.Range(0, random.Next(0, 400)).Select(_ => offset + scale * (random.NextDouble() - 0.3))];
    }

    private static void AssertClose(double expected, double actual, double tolerance)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual:R}");
            return;
        }

        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1e-300, Math.Abs(expected)), $"expected {expected:R}, got {actual:R} (relative tolerance {tolerance:E1})");
    }

    private static void AssertMatchesTwoPass(double[] data, StatCounter stats)
    {
        // The reference: the mean from a first pass, the squared deviations from a second, all in float64.
        var n = data.Length;
        var mean = n == 0 ? double.NaN : data.Sum() / n;
        var squares = data.Sum(x => (x - mean) * (x - mean));
        var magnitude = n == 0 ? 0 : data.Average(Math.Abs);

        // One-pass variance loses about n·ε·(1 + |mean|/stdev) relative precision (the condition number of the data);
        // two-pass loses about n·ε. Four times that bound still catches any formula error (those are off by far more).
        var epsilon = n * 2.3e-16;
        var condition = squares > 0 ? 1 + Math.Abs(mean) / Math.Sqrt(squares / n) : 1;
        Assert.Equal(n, stats.Count);
        AssertClose(mean, stats.Mean, 4 * epsilon * Math.Max(1, magnitude) / Math.Max(1, Math.Abs(mean)));
        AssertClose(data.Sum(), stats.Sum, 4 * epsilon * Math.Max(1, magnitude) / Math.Max(1, Math.Abs(data.Sum())) + 1e-15);
        AssertClose(n == 0 ? double.NaN : squares / n, stats.Variance, 4 * epsilon * condition);
        AssertClose(n <= 1 ? double.NaN : squares / (n - 1), stats.SampleVariance, 4 * epsilon * condition);
        AssertClose(n == 0 ? double.NaN : Math.Sqrt(squares / n), stats.Stdev, 4 * epsilon * condition);
        AssertClose(n <= 1 ? double.NaN : Math.Sqrt(squares / (n - 1)), stats.SampleStdev, 4 * epsilon * condition);
        Assert.Equal(n == 0 ? double.PositiveInfinity : data.Min(), stats.Min);
        Assert.Equal(n == 0 ? double.NegativeInfinity : data.Max(), stats.Max);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task StatsAsync_RandomOffsetData_AgreesWithTwoPassFloat64(int seed)
    {
        var random = new Random(seed);
        var data = Doubles(random);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        AssertMatchesTwoPass(data, await rdd.StatsAsync(Ct));
        AssertMatchesTwoPass([.. data.Select(x => x * 2)], await rdd.StatsAsync(x => x * 2, Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public void StatCounter_MergingRandomSplits_EqualsOneCounterOverEverything(int seed)
    {
        var random = new Random(seed);
        var data = Doubles(random);
        var whole = new StatCounter(data);
        var merged = new StatCounter();
        var start = 0;
        while (start < data.Length)
        {
            var length = random.Next(0, Math.Min(50, data.Length - start) + 1);
            merged.Merge(new StatCounter(data.Skip(start).Take(length)));
            start += length;
        }

        AssertMatchesTwoPass(data, merged);
        Assert.Equal(whole.Count, merged.Count);
        AssertClose(whole.Mean, merged.Mean, 1e-12);
    }

    [Fact]
    public void StatCounter_MergeWithItself_DoublesTheCountAndKeepsTheMean()
    {
        var stats = new StatCounter([1.0, 2.0, 3.0]);
        stats.Merge(stats);
        AssertMatchesTwoPass([1, 2, 3, 1, 2, 3], stats);
        Assert.Equal("(count: 6, mean: 2, stdev: 0.816496580927726, max: 3, min: 1)", stats.ToString());
    }

    [Fact]
    public async Task StatsAsync_Empty_HasCountZeroAndNaNMean()
    {
        var stats = await _ctx.Parallelize(Array.Empty<double>(), 3).StatsAsync(Ct);
        AssertMatchesTwoPass([], stats);
        Assert.Equal(0, stats.Sum);
    }

    [Fact]
    public async Task HistogramAsync_SparkDocExamples_MatchSpark()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 51).Select(x => (double)x), 4);
        var (buckets, counts) = await rdd.HistogramAsync(2, Ct);
        Assert.Equal([0.0, 25.0, 50.0], buckets);
        Assert.Equal([25L, 26L], counts);
        Assert.Equal(new long[] { 5, 20, 26 }, await rdd.HistogramAsync([0, 5, 25, 50], Ct));
        Assert.Equal(new long[] { 15, 15, 15, 6 }, await rdd.HistogramAsync([0, 15, 30, 45, 60], Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task HistogramAsync_RandomData_EqualsLinqBucketCount(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random).Select(x => x / 4.0).ToArray();
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var edges = Enumerable.Range(0, random.Next(2, 8)).Select(_ => (double)random.Next(-60, 60) / 4).Distinct().Order().ToArray();
        if (edges.Length >= 2)
        {
            Assert.Equal(ReferenceCounts(data, edges), await rdd.HistogramAsync(edges, Ct));
        }

        if (data.Length == 0)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => rdd.HistogramAsync(3, Ct));
            return;
        }

        var bucketCount = random.Next(1, 12);
        var (buckets, counts) = await rdd.HistogramAsync(bucketCount, Ct);
        Assert.Equal(data.Min(), buckets[0]);
        Assert.Equal(data.Max(), buckets[^1]);
        Assert.Equal(data.Min() == data.Max() ? 2 : bucketCount + 1, buckets.Length);
        Assert.Equal(ReferenceCounts(data, buckets), counts);
        Assert.Equal(data.Length, counts.Sum());
    }

    [Fact]
    public async Task HistogramAsync_AllEqual_OneClosedBucket()
    {
        var (buckets, counts) = await _ctx.Parallelize(new[] { 2.5, 2.5, 2.5 }, 2).HistogramAsync(4, Ct);
        Assert.Equal([2.5, 2.5], buckets);
        Assert.Equal([3L], counts);
    }

    [Fact]
    public async Task HistogramAsync_NaNOrInfinityOrBadBuckets_Throw()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _ctx.Parallelize(new[] { 1.0, double.NaN }, 2).HistogramAsync(2, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _ctx.Parallelize(new[] { 1.0, double.PositiveInfinity }, 2).HistogramAsync(2, Ct));
        var rdd = _ctx.Parallelize(new[] { 1.0, double.NaN, 7.0 }, 2);
        Assert.Equal(new long[] { 1, 1 }, await rdd.HistogramAsync([0, 5, 10], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => rdd.HistogramAsync([1.0], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => rdd.HistogramAsync([0, 2, 2], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => rdd.HistogramAsync([0, double.NaN], Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rdd.HistogramAsync(0, Ct));
    }

    /// <summary>Bucket i holds [edges[i], edges[i+1]), the last bucket also its upper edge; the rest is dropped.</summary>
    private static long[] ReferenceCounts(double[] data, double[] edges) =>
        [.. Enumerable.Range(0, edges.Length - 1).Select(i => data.LongCount(x =>
            x >= edges[i] && (x < edges[i + 1] || (i == edges.Length - 2 && x == edges[i + 1]))))];
}
