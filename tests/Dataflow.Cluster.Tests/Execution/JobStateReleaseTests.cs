using System.Diagnostics;
using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Per-job state is released on the driver and on every worker when each job ends: after 2,000 iterations of
/// broadcast + tree aggregation no finished job's stage payloads, stage tasks, map outputs, shuffle files or broadcast
/// copies remain anywhere, and the heap (driver and the in-process workers together) has not grown.
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class JobStateReleaseTests
{
    private const int Jobs = 2_000;
    private const int Baseline = 100;
    private const long HeapGrowthLimit = 5L * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IterationLoop_TwoThousandJobs_LeavesNoFinishedJobStateOnDriverOrWorkers()
    {
        var cluster = await SharedCluster.StartAsync();
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        ctx.Listeners.Remove(recorder);
        var backend = (OrleansBackend)ctx.Backend;
        var workers = cluster.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<WorkerExecutor>()).ToList();
        var filesAtBaseline = -1;
        var heapAtBaseline = 0L;
        var clock = Stopwatch.StartNew();
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
                await AssertNoFinishedJobStateAsync(ctx, backend, workers);
                filesAtBaseline = ApplicationFiles(cluster, backend.AppId);
                heapAtBaseline = IterationLoop.HeapAfterFullGc();
                clock.Restart();
            }
        }, Ct);

        var elapsed = clock.Elapsed;
        await AssertNoFinishedJobStateAsync(ctx, backend, workers);
        Assert.Equal(filesAtBaseline, ApplicationFiles(cluster, backend.AppId));
        var growth = IterationLoop.HeapAfterFullGc() - heapAtBaseline;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"jobs {Baseline + 1}..{Jobs}: {elapsed.TotalSeconds:0.0} s; heap growth {growth} bytes; application files {filesAtBaseline}");
        Assert.True(growth < HeapGrowthLimit, $"the heap grew by {growth} bytes from job {Baseline} to job {Jobs}");
    }

    private static async Task AssertNoFinishedJobStateAsync(DataflowContext ctx, OrleansBackend backend, IReadOnlyList<WorkerExecutor> workers)
    {
        await backend.CleanupsDrainedAsync();

        // The driver.
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
        Assert.Equal(0, ctx.Scheduler.MapStageCount);
        Assert.Equal(0, ctx.Scheduler.ReleasedStageIdCount);
        Assert.Equal(0, ctx.Cleaner.Count);
        Assert.Empty(ctx.MapOutputs.ShuffleIds);
        Assert.Equal(0, backend.StagePayloadCount);
        Assert.Equal(0, ctx.BroadcastValueCount);
        Assert.Equal(0, backend.ServedBroadcastCount);
        var binaries = WorkerExecutor.BinaryPrefix(backend.AppId);
        foreach (var executor in backend.KnownExecutors)
        {
            Assert.DoesNotContain(executor.UploadedBlobs, key => key.StartsWith(binaries, StringComparison.Ordinal));
        }

        // Every worker.
        foreach (var worker in workers)
        {
            var app = worker.Application(backend.Ticket);
            Assert.Equal(0, app.Stages.Count);
            Assert.Equal(0, worker.Blobs.Count(binaries));
            Assert.Empty(app.Environment.MapOutputs.ShuffleIds);
            Assert.Equal(0, app.Environment.Broadcasts.Count);
        }
    }

    /// <summary>Every file the workers keep for the application: shuffle outputs, broadcast pieces, spills, served blocks.</summary>
    private static int ApplicationFiles(InProcessCluster cluster, string appId) =>
        Directory.EnumerateFiles(cluster.Root, "*", SearchOption.AllDirectories)
            .Count(f => f.Contains(Path.Combine("apps", appId), StringComparison.Ordinal));
}
