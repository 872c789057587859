using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>TakeSampleAsync: exact sizes, no repeats without replacement, determinism per seed, and no gross bias.</summary>
public sealed class TakeSampleTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 10)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Distinct values, so a repeated element shows up as a repeated value.</summary>
    private (int[] Data, Rdd<int> Rdd) Distinct(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(1, 600)).Select(i => i * 7 - 100).ToArray();
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TakeSampleAsync_WithoutReplacement_ExactCountOfDistinctElementsFromTheInput(int seed)
    {
        var (data, rdd) = Distinct(seed);
        var count = new Random(seed).Next(0, data.Length + 1);
        var sample = await rdd.TakeSampleAsync(false, count, seed, Ct);
        Assert.Equal(count, sample.Count);
        Assert.Equal(count, sample.Distinct().Count());
        Assert.Subset(data.ToHashSet(), sample.ToHashSet());
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TakeSampleAsync_WithReplacement_ExactCountFromTheInputEvenBeyondItsSize(int seed)
    {
        var (data, rdd) = Distinct(seed);
        var count = new Random(seed).Next(0, data.Length * 3);
        var sample = await rdd.TakeSampleAsync(true, count, seed, Ct);
        Assert.Equal(count, sample.Count);
        Assert.Subset(data.ToHashSet(), sample.ToHashSet());
    }

    [Fact]
    public async Task TakeSampleAsync_WithoutReplacementMoreThanAvailable_ReturnsEveryElementOnce()
    {
        var data = Enumerable.Range(0, 50).ToArray();
        var sample = await _ctx.Parallelize(data, 4).TakeSampleAsync(false, 80, 3, Ct);
        Assert.Equal(data, sample.Order());
        Assert.NotEqual(data, sample);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TakeSampleAsync_SameSeed_SameSampleAndOtherSeed_OtherSample(int seed)
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 1000), 1 + (seed % 7));
        foreach (var withReplacement in new[] { false, true })
        {
            var first = await rdd.TakeSampleAsync(withReplacement, 40, seed, Ct);
            Assert.Equal(first, await rdd.TakeSampleAsync(withReplacement, 40, seed, Ct));
            Assert.NotEqual(first, await rdd.TakeSampleAsync(withReplacement, 40, seed + 1000, Ct));
        }
    }

    [Fact]
    public async Task TakeSampleAsync_ManyDraws_EveryPartitionRepresentedInProportion()
    {
        // 10 values spread over 5 partitions; 20,000 draws with replacement: each value about 2,000 times. A sampler
        // that favoured a partition or reused a seed across partitions would be off by far more than 15%.
        var sample = await _ctx.Parallelize(Enumerable.Range(0, 10), 5).TakeSampleAsync(true, 20_000, 42, Ct);
        foreach (var group in sample.GroupBy(x => x))
        {
            Assert.InRange(group.Count(), 1700, 2300);
        }

        Assert.Equal(10, sample.Distinct().Count());
    }

    [Fact]
    public async Task TakeSampleAsync_EmptyInputOrZeroCount_EmptyAndNegativeCountThrows()
    {
        Assert.Empty(await _ctx.Parallelize(Array.Empty<int>(), 3).TakeSampleAsync(true, 10, 1, Ct));
        Assert.Empty(await _ctx.Parallelize(new[] { 1, 2 }, 2).TakeSampleAsync(false, 0, 1, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _ctx.Parallelize(new[] { 1 }, 1).TakeSampleAsync(false, -1, 1, Ct));
    }
}
