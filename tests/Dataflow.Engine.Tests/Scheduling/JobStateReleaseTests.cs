using System.Runtime.CompilerServices;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Scheduling;

/// <summary>
/// Per-job state is released when each job ends, so a long iterative driver costs what a short one does: finished
/// jobs leave no stages, map outputs, shuffle files or broadcasts behind, while a user's shuffle stays reusable.
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class JobStateReleaseTests
{
    private const int Jobs = 2_000;
    private const int Baseline = 100;
    private const long HeapGrowthLimit = 5L * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IterationLoop_TwoThousandJobs_LeavesNoFinishedJobStateAndKeepsDiskAndHeapFlat()
    {
        await using var ctx = new DataflowContext("local[2]");
        var recorder = new EventRecorder();
        var filesAtBaseline = -1;
        var heapAtBaseline = 0L;
        await IterationLoop.RunAsync(ctx, Jobs, async job =>
        {
            if (job == Baseline - 1)
            {
                ctx.Listeners.Add(recorder);
            }
            else if (job == Baseline)
            {
                await ctx.Listeners.FlushAsync();
                ctx.Listeners.Remove(recorder);
                IterationLoop.AssertLastJobShuffled(recorder);
                recorder.Clear();
                AssertNoFinishedJobState(ctx);
                filesAtBaseline = FilesUnder(ctx.WorkDirectory);
                heapAtBaseline = IterationLoop.HeapAfterFullGc();
            }
        }, Ct);

        AssertNoFinishedJobState(ctx);
        Assert.Equal(filesAtBaseline, FilesUnder(ctx.WorkDirectory));
        var growth = IterationLoop.HeapAfterFullGc() - heapAtBaseline;
        Assert.True(growth < HeapGrowthLimit, $"the heap grew by {growth} bytes from job {Baseline} to job {Jobs}");
    }

    [Fact]
    public async Task UserShuffle_AfterItsJobEnds_IsStillReusedAndSurvivesATreeAggregateOverIt()
    {
        await using var ctx = new DataflowContext("local[2]");
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var counts = ctx.Parallelize(Enumerable.Range(0, 1_000).ToArray(), 6).Select(x => (x % 7, 1)).ReduceByKey((a, b) => a + b, 8);
        Assert.Equal(7, await counts.CountAsync(Ct));

        // The job's stage is gone, its output is kept.
        Assert.Equal(0, ctx.Scheduler.MapStageCount);
        var shuffleId = Assert.Single(ctx.MapOutputs.ShuffleIds);
        Assert.True(ctx.MapOutputs.IsAvailable(shuffleId));

        // A tree aggregation over it (8 partitions: one tree level) releases its own level only; the user's shuffle
        // is read, not recomputed.
        await ctx.Listeners.FlushAsync();
        recorder.Clear();
        Assert.Equal(1_000L, await counts.TreeAggregateAsync(0L, (a, kv) => a + kv.Item2, (a, b) => a + b, 2, Ct));
        await ctx.Listeners.FlushAsync();
        var treeStages = recorder.StagesRun(recorder.LastJobId);
        Assert.Equal(2, treeStages.Count);
        Assert.Single(treeStages, s => s.Stage.ShuffleId is { } id && id != shuffleId);
        Assert.Equal([shuffleId], ctx.MapOutputs.ShuffleIds);
        Assert.True(ctx.MapOutputs.IsAvailable(shuffleId));

        await ctx.Listeners.FlushAsync();
        recorder.Clear();
        var expected = Enumerable.Range(0, 1_000).GroupBy(x => x % 7).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected, (await counts.ToListAsync(Ct)).ToDictionary(kv => kv.Item1, kv => kv.Item2));
        await ctx.Listeners.FlushAsync();
        var stage = Assert.Single(recorder.StagesRun(recorder.LastJobId));
        Assert.Null(stage.Stage.ShuffleId);
        Assert.Equal(0, ctx.Scheduler.MapStageCount);
    }

    [Fact]
    public async Task UnreachableShuffleAndBroadcast_AreReleasedByTheNextJobAfterACollection()
    {
        await using var ctx = ShuffleRecoveryTests.OnDiskContext();
        var (shuffleId, broadcastId, probes) = await RunAndForgetAsync(ctx);
        Assert.Equal([shuffleId], ctx.MapOutputs.ShuffleIds);
        Assert.NotEmpty(Directory.GetFiles(ctx.WorkDirectory, $"shuffle_{shuffleId}_*", SearchOption.AllDirectories));
        Assert.True(ctx.TryGetBroadcastValue(broadcastId, out _));

        // Nothing references the RDD or the broadcast any more: after a collection, the next job's end releases both.
        // Resumed on a fresh frame: the frame that awaited the helper may still hold its finished task.
        await Task.Yield();
        IterationLoop.HeapAfterFullGc();
        Assert.All(probes, probe => Assert.False(probe.TryGetTarget(out _), "the RDDs and the broadcast are still reachable"));
        Assert.Equal(4, await ctx.Parallelize(Enumerable.Range(0, 4).ToArray(), 2).CountAsync(Ct));
        Assert.Empty(ctx.MapOutputs.ShuffleIds);
        Assert.Empty(Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories));
        Assert.False(ctx.TryGetBroadcastValue(broadcastId, out _));
        Assert.Equal(0, ctx.Cleaner.Count);
        Assert.Equal(0, ctx.Scheduler.ReleasedStageIdCount);
    }

    /// <summary>Runs a job over a user shuffle and a broadcast, keeping neither.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(int ShuffleId, long BroadcastId, List<WeakReference<object>> Probes)> RunAndForgetAsync(DataflowContext ctx)
    {
        var offset = ctx.Broadcast(new[] { 10 });
        var source = ctx.Parallelize(Enumerable.Range(0, 100).ToArray(), 4);
        var mapped = source.Select(x => (x % 5, x + offset.Value[0]));
        var sums = mapped.ReduceByKey((a, b) => a + b, 2);
        Assert.Equal(5, await sums.CountAsync(Ct));
        var probes = new List<WeakReference<object>> { new(offset), new(source), new(mapped), new(sums), new(sums.Dependencies[0]) };
        return (ctx.MapOutputs.ShuffleIds.Single(), offset.Id, probes);
    }

    private static void AssertNoFinishedJobState(DataflowContext ctx)
    {
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
        Assert.Equal(0, ctx.Scheduler.MapStageCount);
        Assert.Equal(0, ctx.Scheduler.ReleasedStageIdCount);
        Assert.Equal(0, ctx.Cleaner.Count);
        Assert.Empty(ctx.MapOutputs.ShuffleIds);
        Assert.Equal(0, ctx.BroadcastValueCount);
        Assert.Equal(0, ctx.Environment.Broadcasts.Count);
    }

    private static int FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count() : 0;
}
