using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Execution;
using Dataflow.IO;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// The task scheduler on the cluster: with one worker slowed by a test hook (its first attempts held until killed),
/// speculative copies run on the other worker and win, the slow attempts are killed, each output partition is
/// committed once and accumulators count once; a failed task is retried on the other worker.
/// </summary>
public sealed class TaskPlacementClusterTests
{
    private const int Partitions = 8;
    private static readonly TimeSpan s_hold = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SlowWorker_SpeculativeCopiesRunOnTheOther_WinAndTheSlowAttemptsAreKilled_AccumulatorsCountOnce()
    {
        var cluster = await SharedCluster.StartAsync();
        var (ctx, recorder) = await SharedCluster.NewContextAsync(o => o.Scheduler.Speculation = true);
        await using var disposeContext = ctx;
        var slow = cluster.Cluster.Silos[0].SiloAddress.ToParsableString();
        var appId = ((OrleansBackend)ctx.Backend).AppId;
        // The attempts there compute their partition, then hang before replying: their accumulator updates exist and
        // must be dropped with them.
        WorkerExecutor.TestSlowdowns[appId] = (launch, executor) =>
            executor == slow && launch.Attempt == 0 ? new WorkerExecutor.Slowdown(TimeSpan.Zero, s_hold) : default;
        try
        {
            var records = ctx.LongAccumulator();
            var doubled = await ctx.Parallelize(Enumerable.Range(0, Partitions * 10), Partitions).Select(x =>
            {
                records.Add(1);
                return x * 2;
            }).ToListAsync(Ct);

            Assert.Equal(Enumerable.Range(0, Partitions * 10).Select(x => x * 2), doubled);
            Assert.Equal(Partitions * 10, records.Value);
            await ctx.Listeners.FlushAsync();
            AssertCopiesWonAndSlowAttemptsWereKilled(recorder, slow);
            await AssertKilledOnTheWorkerAsync(cluster, slow, appId);
            // Every attempt, killed ones included, was reported before the job ended.
            Assert.Equal(0, ((OrleansBackend)ctx.Backend).RunningTaskCount);
        }
        finally
        {
            WorkerExecutor.TestSlowdowns.TryRemove(appId, out _);
        }
    }

    [Fact]
    public async Task SaveAsTextFile_WithSpeculativeCopiesOnTheCluster_CommitsExactlyOnePartFilePerPartition()
    {
        var cluster = await SharedCluster.StartAsync();
        var (ctx, recorder) = await SharedCluster.NewContextAsync(o => o.Scheduler.Speculation = true);
        await using var disposeContext = ctx;
        var slow = cluster.Cluster.Silos[0].SiloAddress.ToParsableString();
        var appId = ((OrleansBackend)ctx.Backend).AppId;
        // Held before they run, so that the copy is the first to ask to commit.
        WorkerExecutor.TestSlowdowns[appId] = (launch, executor) =>
            executor == slow && launch.Attempt == 0 ? new WorkerExecutor.Slowdown(s_hold, TimeSpan.Zero) : default;
        var output = Path.Combine(cluster.Root, $"speculated-{Guid.NewGuid():N}");
        try
        {
            await ctx.Parallelize(Enumerable.Range(0, Partitions * 2), Partitions).SaveAsTextFileAsync(output, cancellationToken: Ct);

            var files = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["_SUCCESS", .. Enumerable.Range(0, Partitions).Select(OutputCommitter.PartFileName)], files);
            for (var p = 0; p < Partitions; p++)
            {
                Assert.Equal([$"{2 * p}", $"{(2 * p) + 1}"], File.ReadAllLines(Path.Combine(output, OutputCommitter.PartFileName(p))));
            }

            // No staging directory or attempt output is left beside it.
            Assert.Equal([output], Directory.GetDirectories(cluster.Root, "*speculated-*"));
            Assert.Empty(Directory.GetDirectories(output));
            await ctx.Listeners.FlushAsync();
            AssertCopiesWonAndSlowAttemptsWereKilled(recorder, slow);
            await AssertKilledOnTheWorkerAsync(cluster, slow, appId);
        }
        finally
        {
            WorkerExecutor.TestSlowdowns.TryRemove(appId, out _);
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public async Task FailedTask_IsRetriedOnTheOtherWorker()
    {
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        var sum = await ctx.Parallelize(Enumerable.Range(0, Partitions), Partitions).Select(x =>
        {
            if (TaskContext.Current!.AttemptNumber == 0 && x % 2 == 1)
            {
                throw new InvalidOperationException($"first attempt of {x} fails");
            }

            return (long)x;
        }).SumAsync(Ct);

        Assert.Equal(Enumerable.Range(0, Partitions).Sum(), sum);
        await ctx.Listeners.FlushAsync();
        var ends = recorder.Events.OfType<TaskEndEvent>().ToList();
        var failed = ends.Where(e => e.Error is not null).ToList();
        Assert.Equal(Partitions / 2, failed.Count);
        foreach (var failure in failed)
        {
            var retry = Assert.Single(ends, e => e.Task.PartitionId == failure.Task.PartitionId && e.Task.Attempt == 1);
            Assert.True(retry.Succeeded);
            Assert.NotEqual(failure.ExecutorId, retry.ExecutorId);
        }
    }

    /// <summary>The kill reached the slow worker: its held attempts end long before their hold would.</summary>
    private static async Task AssertKilledOnTheWorkerAsync(InProcessCluster cluster, string slow, string appId)
    {
        var worker = cluster.Cluster.Silos.Cast<InProcessSiloHandle>().Single(s => s.SiloAddress.ToParsableString() == slow)
            .SiloHost.Services.GetRequiredService<WorkerExecutor>();
        var deadline = DateTime.UtcNow + (s_hold / 4);
        while (worker.RunningTasks(appId) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(0, worker.RunningTasks(appId));
    }

    private static void AssertCopiesWonAndSlowAttemptsWereKilled(EventRecorder recorder, string slow)
    {
        var ends = recorder.Events.OfType<TaskEndEvent>().ToList();
        var onSlow = ends.Where(e => e.ExecutorId == slow && !e.Task.Speculative).ToList();
        Assert.NotEmpty(onSlow);
        foreach (var original in onSlow)
        {
            Assert.IsType<TaskKilledException>(original.Error);
            var copy = Assert.Single(ends, e => e.Task.PartitionId == original.Task.PartitionId && e.Task.Speculative);
            Assert.True(copy.Succeeded);
            Assert.NotEqual(slow, copy.ExecutorId);
        }

        // Every other partition ran once, elsewhere, and succeeded.
        var slowPartitions = onSlow.Select(e => e.Task.PartitionId).ToHashSet();
        var others = ends.Where(e => !slowPartitions.Contains(e.Task.PartitionId)).ToList();
        Assert.Equal(Partitions - slowPartitions.Count, others.Count);
        Assert.All(others, e => Assert.True(e.Succeeded && !e.Task.Speculative && e.ExecutorId != slow));
    }
}
