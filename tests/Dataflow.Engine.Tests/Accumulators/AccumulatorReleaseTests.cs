using System.Runtime.CompilerServices;

namespace Dataflow.Tests.Accumulators;

/// <summary>
/// The driver holds accumulators weakly: one per iteration of a loop of jobs, dropped by the program, does not stay
/// registered for the context's lifetime, while one the program keeps goes on counting.
/// </summary>
public sealed class AccumulatorReleaseTests
{
    private const int Jobs = 300;
    private const int Records = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AccumulatorsNoLongerReferenced_AreReleasedAfterTheirJobs_TheKeptOneStillCounts()
    {
        await using var ctx = new DataflowContext("local[2]");
        var kept = ctx.LongAccumulator("kept");
        for (var job = 0; job < Jobs; job++)
        {
            Assert.Equal(Records, await RunWithFreshAccumulatorAsync(ctx, kept));
        }

        // Something of the most recent job may stay referenced until the next one (an executor thread's last work
        // item): a job without accumulators moves that on.
        Assert.Equal(Records, await ctx.Parallelize(Enumerable.Range(0, Records), 2).CountAsync(Ct));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(1, ctx.Accumulators.PruneAndCount());
        Assert.Equal((long)Jobs * Records, kept.Value);
        // The kept one is still merged into after the prune.
        Assert.Equal(Records, await RunWithFreshAccumulatorAsync(ctx, kept));
        Assert.Equal((long)(Jobs + 1) * Records, kept.Value);
    }

    // A frame of its own, so that nothing of the job (its accumulator, its lineage) stays on the test's stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<long> RunWithFreshAccumulatorAsync(DataflowContext ctx, Dataflow.Accumulators.LongAccumulator kept)
    {
        var fresh = ctx.LongAccumulator();
        await ctx.Parallelize(Enumerable.Range(0, Records), 2).ForEachAsync(_ =>
        {
            fresh.Add(1);
            kept.Add(1);
        }, Ct);
        return fresh.Value;
    }
}
