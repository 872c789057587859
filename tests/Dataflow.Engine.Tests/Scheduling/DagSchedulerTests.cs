using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Scheduling;

/// <summary>The DAG scheduler as a state machine over a fake backend: stages, skipping, retries, failure, concurrency.</summary>
public sealed class DagSchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<EventRecorder> Record(DataflowContext context)
    {
        var recorder = new EventRecorder();
        context.Listeners.Add(recorder);
        await context.Listeners.FlushAsync();
        return recorder;
    }

    [Fact]
    public async Task JobStages_ForKnownGraphs_AreCountedAtShuffleBoundaries()
    {
        var (ctx, backend) = FakeBackend.CreateContext();
        await using var _ = ctx;
        var recorder = await Record(ctx);
        var a = ctx.Parallelize(Enumerable.Range(0, 100), 3).Select(x => (x % 7, x));
        var b = ctx.Parallelize(Enumerable.Range(0, 50), 2).Select(x => (x % 5, x));
        // Two independent reductions joined: 2 map stages for the reductions, 2 for the join's inputs, 1 result.
        var graph = a.ReduceByKey((x, y) => x + y, 2).Join(b.ReduceByKey((x, y) => x + y, 3), 4);
        await graph.CountAsync(Ct);
        await ctx.Listeners.FlushAsync();
        var start = recorder.Events.OfType<JobStartEvent>().Single();
        Assert.Equal(5, start.Stages.Count);
        Assert.Equal(5, recorder.StagesRun(start.JobId).Count);
        Assert.Equal(3 + 2 + 2 + 3 + 4, backend.Submitted.Count);
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
    }

    [Fact]
    public async Task SecondJob_OnSameShuffle_SkipsMapStage()
    {
        var (ctx, backend) = FakeBackend.CreateContext();
        await using var _ = ctx;
        var recorder = await Record(ctx);
        var reduced = ctx.Parallelize(Enumerable.Range(0, 100), 4).Select(x => (x % 3, 1)).ReduceByKey((x, y) => x + y, 2);
        await reduced.CountAsync(Ct);
        var firstRun = backend.Submitted.Count;
        var second = await reduced.Select(kv => kv.Value).AggregateAsync((x, y) => x + y, Ct);
        await ctx.Listeners.FlushAsync();
        Assert.Equal(100, second);
        Assert.Equal(4 + 2, firstRun);
        Assert.Equal(firstRun + 2, backend.Submitted.Count);
        Assert.Single(recorder.StagesRun(recorder.LastJobId));
    }

    [Fact]
    public async Task FailedTask_IsRetried_ThenJobSucceeds()
    {
        var (ctx, backend) = FakeBackend.CreateContext();
        await using var _ = ctx;
        backend.Fail = t => t.PartitionId == 1 && t.Attempt < 2 ? new IOException("flaky disk") : null;
        var sum = await ctx.Parallelize(Enumerable.Range(1, 100), 4).AggregateAsync(0, (x, y) => x + y, Ct);
        Assert.Equal(5050, sum);
        Assert.Equal([0, 1, 2], backend.Submitted.Where(t => t.PartitionId == 1).Select(t => t.Attempt).Order());
    }

    [Fact]
    public async Task FailingTask_AfterMaxTaskFailures_FailsJobWithContext()
    {
        var (ctx, backend) = FakeBackend.CreateContext(maxTaskFailures: 3);
        await using var _ = ctx;
        var rdd = ctx.Parallelize(Enumerable.Range(0, 40), 4).Select(x => x == 25 ? throw new FormatException("bad record 25") : x);
        var error = await Assert.ThrowsAsync<JobFailedException>(() => rdd.ToListAsync(Ct));
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Equal(2, error.Partition);
        Assert.Equal(2, error.Attempt);
        Assert.Equal(nameof(Rdd.ToListAsync), error.CallSite.Operation);
        Assert.EndsWith("DagSchedulerTests.cs", error.CallSite.File, StringComparison.Ordinal);
        Assert.Contains("bad record 25", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, backend.Submitted.Count(t => t.PartitionId == 2));
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
        // The context stays usable.
        Assert.Equal(40, await ctx.Parallelize(Enumerable.Range(0, 40), 4).CountAsync(Ct));
    }

    [Fact]
    public async Task IndependentParentStages_RunConcurrently()
    {
        var (ctx, backend) = FakeBackend.CreateContext();
        await using var _ = ctx;
        var left = ctx.Parallelize(Enumerable.Range(0, 10), 1).Select(x => (x, x));
        var right = ctx.Parallelize(Enumerable.Range(0, 10), 1).Select(x => (x, -x));
        var bothSubmitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stagesSeen = new HashSet<int>();
        backend.Gate = t =>
        {
            lock (stagesSeen)
            {
                stagesSeen.Add(t.StageId);
                if (stagesSeen.Count >= 2)
                {
                    bothSubmitted.TrySetResult();
                }
            }

            // Map tasks wait until both map stages have a task submitted: with sequential stages this would hang.
            return bothSubmitted.Task;
        };
        var joined = await left.Join(right, 2).CountAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(10, joined);
    }

    [Fact]
    public async Task DeepLineage_TenThousandNarrowSteps_DoesNotOverflow()
    {
        await using var ctx = new DataflowContext("local[2]");
        var rdd = ctx.Range(0, 10, 1, 2).Select(x => (int)x);
        for (var i = 0; i < 10_000; i++)
        {
            rdd = rdd.Select(x => x + 1);
        }

        Assert.Equal(Enumerable.Range(10_000, 10), await rdd.ToListAsync(Ct));
        Assert.Contains("Result stage", rdd.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeepLineage_ManyShuffles_DoesNotOverflow()
    {
        await using var ctx = new DataflowContext("local[2]");
        var rdd = ctx.Parallelize(Enumerable.Range(0, 20), 2).Select(x => (x % 4, 1));
        for (var i = 0; i < 300; i++)
        {
            rdd = rdd.ReduceByKey((a, b) => a + b, 2 + (i % 2));
        }

        Assert.Equal(20, (await rdd.ToListAsync(Ct)).Sum(kv => kv.Item2));
    }

    [Fact]
    public async Task Cancellation_OfEndlessTask_StopsJobAndLeavesContextUsable()
    {
        await using var ctx = new DataflowContext("local[2]");
        var startedKey = TestSignals.NewKey();
        var started = TestSignals.Signal(startedKey);
        var endless = ctx.Range(0, long.MaxValue, 1, 2).Where(x =>
        {
            TestSignals.Signal(startedKey).TrySetResult();
            return x < 0;
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var job = endless.CountAsync(cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
        Assert.Equal(5, await ctx.Range(0, 5).CountAsync(Ct));
    }

    [Fact]
    public async Task Cancellation_DuringShuffleWrite_LeavesNoTempFiles()
    {
        await using var ctx = new DataflowContext("local[2]");
        var startedKey = TestSignals.NewKey();
        var started = TestSignals.Signal(startedKey);
        var endless = ctx.Range(0, long.MaxValue, 1, 2).Select(x =>
        {
            TestSignals.Signal(startedKey).TrySetResult();
            return (x % 10, 1);
        }).GroupByKey(2);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var job = endless.CountAsync(cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        var files = Directory.Exists(ctx.WorkDirectory) ? Directory.GetFiles(ctx.WorkDirectory, "*", SearchOption.AllDirectories) : [];
        Assert.Empty(files);
    }

    [Fact]
    public async Task Dispose_DeletesShuffleFiles()
    {
        var ctx = ShuffleRecoveryTests.OnDiskContext();
        await ctx.Parallelize(Enumerable.Range(0, 100), 3).Select(x => (x % 5, x)).ReduceByKey((a, b) => a + b).CountAsync(Ct);
        Assert.NotEmpty(Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories));
        await ctx.DisposeAsync();
        Assert.False(Directory.Exists(ctx.WorkDirectory));
    }

    [Fact]
    public async Task Explain_ShowsStagesCallSitesAndShuffleBoundaries()
    {
        await using var ctx = new DataflowContext("local[2]");
        var counts = ctx.Parallelize(["a b", "b c"], 2)
            .SelectMany(line => line.Split(' '))
            .Select(w => (w, 1))
            .ReduceByKey((a, b) => a + b, 3);
        var plan = counts.Explain();
        Assert.Contains("ReduceByKey at DagSchedulerTests.cs:", plan, StringComparison.Ordinal);
        Assert.Contains("SelectMany at DagSchedulerTests.cs:", plan, StringComparison.Ordinal);
        Assert.Contains("shuffle map stage", plan, StringComparison.Ordinal);
        Assert.Contains("HashPartitioner(3)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("skipped", plan, StringComparison.Ordinal);
    }
}
