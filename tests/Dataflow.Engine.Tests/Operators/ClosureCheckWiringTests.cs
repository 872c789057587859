using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>Operators and actions check their closures when built, in local mode too, so local code also runs on a cluster.</summary>
public sealed class ClosureCheckWiringTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    [Fact]
    public void Select_CapturingAnotherRdd_IsRejectedPointingAtTheDriver()
    {
        var other = _ctx.Range(0, 10);
        var error = Assert.Throws<ClosureNotSerializableException>(() => _ctx.Range(0, 3).Select(x => x + other.NumPartitions));
        Assert.Contains("only on the driver", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClosureCheckWiringTests.cs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_CapturingTheContext_IsRejectedNamingTheMember()
    {
        var ctx = _ctx;
        var error = Assert.Throws<ClosureNotSerializableException>(() => _ctx.Range(0, 3).Where(x => ctx.DefaultParallelism > x));
        Assert.Contains("ctx", error.Message, StringComparison.Ordinal);
        Assert.Contains("DataflowContext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_CapturingAStream_IsRejectedBeforeAnyTaskRuns()
    {
        using var stream = new MemoryStream();
        var error = await Assert.ThrowsAsync<ClosureNotSerializableException>(
            () => _ctx.Range(0, 3).ForEachAsync(x => stream.WriteByte((byte)x), TestContext.Current.CancellationToken));
        Assert.Contains("stream", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public async Task Closures_OfPlainValuesAndAccumulators_AreAccepted()
    {
        var factor = 3;
        var seen = _ctx.LongAccumulator();
        var total = await _ctx.Range(0, 10, 1, 2).Select(x => x * factor).ForEachAndSum(seen);
        Assert.Equal(135, total);
        Assert.Equal(10, seen.Value);
    }
}

internal static class ClosureWiringExtensions
{
    public static async Task<long> ForEachAndSum(this Rdd<long> rdd, Dataflow.Accumulators.LongAccumulator seen)
    {
        await rdd.ForEachAsync(_ => seen.Add(1), TestContext.Current.CancellationToken);
        return await rdd.SumAsync(TestContext.Current.CancellationToken);
    }
}
