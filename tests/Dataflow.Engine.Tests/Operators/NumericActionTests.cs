using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>Sum, Min, Max and Average for every numeric type against LINQ-to-Objects, including LINQ's empty, overflow and NaN rules.</summary>
public sealed class NumericActionTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (int[] Data, Rdd<int> Rdd) Ints(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random, maxValue: 1_000_000);
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    private static void AssertClose(double expected, double actual, double relative = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    private static async Task AssertSameOrThrows<T>(Func<T> linq, Func<Task<T>> rdd, Action<T, T>? assertEqual = null)
    {
        T expected;
        try
        {
            expected = linq();
        }
        catch (InvalidOperationException)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(rdd);
            return;
        }

        var actual = await rdd();
        if (assertEqual is null)
        {
            Assert.Equal(expected, actual);
        }
        else
        {
            assertEqual(expected, actual);
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task SumAsync_EveryType_EqualsLinqSum(int seed)
    {
        var (data, rdd) = Ints(seed);
        Assert.Equal(data.Sum(), await rdd.SumAsync(Ct));
        Assert.Equal(data.Sum(x => (long)x * 1000), await rdd.Select(x => (long)x * 1000).SumAsync(Ct));
        Assert.Equal(data.Sum(x => x / 8m), await rdd.Select(x => x / 8m).SumAsync(Ct));
        AssertClose(data.Sum(x => x / 3.0), await rdd.Select(x => x / 3.0).SumAsync(Ct));
        AssertClose(data.Sum(x => x / 3f), await rdd.Select(x => x / 3f).SumAsync(Ct), 1e-6);
        Assert.Equal(data.Sum(x => x % 10), await rdd.SumAsync(x => x % 10, Ct));
        Assert.Equal(data.Sum(x => (long)x * x), await rdd.SumAsync(x => (long)x * x, Ct));
        Assert.Equal(data.Sum(x => x * 0.125m), await rdd.SumAsync(x => x * 0.125m, Ct));
        AssertClose(data.Sum(x => Math.Sqrt(Math.Abs(x))), await rdd.SumAsync(x => Math.Sqrt(Math.Abs(x)), Ct));
        AssertClose(data.Sum(x => x / 5f), await rdd.SumAsync(x => x / 5f, Ct), 1e-6);
    }

    [Fact]
    public async Task SumAsync_Empty_IsZero()
    {
        var empty = _ctx.Parallelize(Array.Empty<int>(), 3);
        Assert.Equal(0, await empty.SumAsync(Ct));
        Assert.Equal(0.0, await empty.SumAsync(x => (double)x, Ct));
        Assert.Equal(0m, await empty.SumAsync(x => (decimal)x, Ct));
    }

    [Fact]
    public async Task SumAsync_IntAndLongOverflow_ThrowOverflowExceptionAsLinq()
    {
        Assert.Throws<OverflowException>(() => new[] { int.MaxValue, 1 }.Sum());
        await Assert.ThrowsAsync<OverflowException>(() => _ctx.Parallelize(new[] { int.MaxValue, 1 }, 1).SumAsync(Ct));

        // Each partial fits; the overflow happens when the driver adds the partials.
        await Assert.ThrowsAsync<OverflowException>(() => _ctx.Parallelize(new[] { int.MaxValue, 1 }, 2).SumAsync(Ct));
        await Assert.ThrowsAsync<OverflowException>(() => _ctx.Parallelize(new[] { long.MinValue, -1 }, 2).SumAsync(Ct));
        await Assert.ThrowsAsync<OverflowException>(() => _ctx.Parallelize(new[] { 1, 2 }, 2).SumAsync(x => x * (long.MaxValue / 2), Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task MinAndMaxAsync_EveryType_EqualLinqIncludingEmpty(int seed)
    {
        var (data, rdd) = Ints(seed);
        await AssertSameOrThrows(() => data.Min(), () => rdd.MinAsync(Ct));
        await AssertSameOrThrows(() => data.Max(), () => rdd.MaxAsync(Ct));
        await AssertSameOrThrows(() => data.Min(x => (long)x * 3), () => rdd.Select(x => (long)x * 3).MinAsync(Ct));
        await AssertSameOrThrows(() => data.Max(x => (long)x * 3), () => rdd.MaxAsync(x => (long)x * 3, Ct));
        await AssertSameOrThrows(() => data.Min(x => x / 7.0), () => rdd.Select(x => x / 7.0).MinAsync(Ct));
        await AssertSameOrThrows(() => data.Max(x => x / 7.0), () => rdd.MaxAsync(x => x / 7.0, Ct));
        await AssertSameOrThrows(() => data.Min(x => x / 7f), () => rdd.Select(x => x / 7f).MinAsync(Ct));
        await AssertSameOrThrows(() => data.Max(x => x / 7f), () => rdd.MaxAsync(x => x / 7f, Ct));
        await AssertSameOrThrows(() => data.Min(x => x / 8m), () => rdd.MinAsync(x => x / 8m, Ct));
        await AssertSameOrThrows(() => data.Max(x => x / 8m), () => rdd.Select(x => x / 8m).MaxAsync(Ct));
        await AssertSameOrThrows(() => data.Min(x => -x), () => rdd.MinAsync(x => -x, Ct));
        await AssertSameOrThrows(() => data.Max(x => x % 1000), () => rdd.MaxAsync(x => x % 1000, Ct));
    }

    [Fact]
    public async Task MinAndMaxAsync_Empty_ThrowInvalidOperationException()
    {
        var empty = _ctx.Parallelize(Array.Empty<double>(), 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => empty.MinAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => empty.MaxAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => empty.AverageAsync(Ct));
    }

    [Theory]
    [InlineData(new[] { 1.0, double.NaN, -3.0 })]
    [InlineData(new[] { double.NaN, double.NaN })]
    [InlineData(new[] { double.NaN, 2.0, double.NegativeInfinity, 0.0, -0.0 })]
    [InlineData(new[] { 5.0, double.PositiveInfinity, double.NaN })]
    public async Task MinAndMaxAsync_WithNaN_FollowLinqOrdering(double[] data)
    {
        for (var partitions = 1; partitions <= data.Length + 1; partitions++)
        {
            var rdd = _ctx.Parallelize(data, partitions);
            Assert.Equal(data.Min(), await rdd.MinAsync(Ct));
            Assert.Equal(data.Max(), await rdd.MaxAsync(Ct));
            Assert.Equal(data.Select(x => (float)x).Min(), await rdd.MinAsync(x => (float)x, Ct));
            Assert.Equal(data.Select(x => (float)x).Max(), await rdd.MaxAsync(x => (float)x, Ct));
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task GenericMinAndMaxAsync_StringsWithNulls_EqualLinq(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(5) == 0 ? null : $"s{random.Next(100)}").ToArray();
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        Assert.Equal(data.Min(StringComparer.Ordinal), await rdd.MinAsync(StringComparer.Ordinal, Ct));
        Assert.Equal(data.Max(StringComparer.Ordinal), await rdd.MaxAsync(StringComparer.Ordinal, Ct));
        var lengths = Comparer<string?>.Create((a, b) => a!.Length.CompareTo(b!.Length));
        Assert.Equal(data.Min(lengths), await rdd.MinAsync(lengths, Ct));
        Assert.Equal(data.Max(lengths), await rdd.MaxAsync(lengths, Ct));
    }

    [Fact]
    public async Task GenericMinAsync_EmptyValueTypes_Throws()
    {
        var empty = _ctx.Parallelize(Array.Empty<DateTime>(), 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => empty.MinAsync(cancellationToken: Ct));
        var dates = _ctx.Parallelize(new[] { new DateTime(2020, 1, 1), new DateTime(2019, 5, 5), new DateTime(2021, 2, 2) }, 2);
        Assert.Equal(new DateTime(2019, 5, 5), await dates.MinAsync(cancellationToken: Ct));
        Assert.Equal(new DateTime(2021, 2, 2), await dates.MaxAsync(cancellationToken: Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task AverageAsync_EveryType_EqualsLinqAverage(int seed)
    {
        var (data, rdd) = Ints(seed);
        await AssertSameOrThrows(() => data.Average(), () => rdd.AverageAsync(Ct));
        await AssertSameOrThrows(() => data.Average(x => (long)x * 1000), () => rdd.Select(x => (long)x * 1000).AverageAsync(Ct));
        await AssertSameOrThrows(() => data.Average(x => x / 4m), () => rdd.Select(x => x / 4m).AverageAsync(Ct));
        await AssertSameOrThrows(() => data.Average(x => x / 3.0), () => rdd.Select(x => x / 3.0).AverageAsync(Ct), (e, a) => AssertClose(e, a));
        await AssertSameOrThrows(() => data.Average(x => x / 3f), () => rdd.Select(x => x / 3f).AverageAsync(Ct), (e, a) => AssertClose(e, a, 1e-6));
        await AssertSameOrThrows(() => data.Average(x => x % 100), () => rdd.AverageAsync(x => x % 100, Ct));
        await AssertSameOrThrows(() => data.Average(x => (long)x), () => rdd.AverageAsync(x => (long)x, Ct));
        await AssertSameOrThrows(() => data.Average(x => x / 8m), () => rdd.AverageAsync(x => x / 8m, Ct));
        await AssertSameOrThrows(() => data.Average(x => x * 0.5), () => rdd.AverageAsync(x => x * 0.5, Ct), (e, a) => AssertClose(e, a));
        await AssertSameOrThrows(() => data.Average(x => x * 0.5f), () => rdd.AverageAsync(x => x * 0.5f, Ct), (e, a) => AssertClose(e, a, 1e-6));
    }

    [Fact]
    public async Task AverageAsync_IntsNearMaxValue_AccumulatesInLongWithoutOverflow()
    {
        var data = Enumerable.Repeat(int.MaxValue, 10).ToArray();
        Assert.Equal(data.Average(), await _ctx.Parallelize(data, 3).AverageAsync(Ct));
    }
}
