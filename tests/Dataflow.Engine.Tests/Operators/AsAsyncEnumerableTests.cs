using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>AsAsyncEnumerable streams partition by partition: same elements and order as ToListAsync, one job per partition reached.</summary>
public sealed class AsAsyncEnumerableTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int, bool> Cases => [.. Enumerable.Range(1, 6).SelectMany(seed => new[] { (seed, false), (seed, true) })];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int JobsOf(string operation) => fixture.Recorder.Events.OfType<JobStartEvent>().Count(j => j.CallSite.Operation == operation);

    [Theory, MemberData(nameof(Cases))]
    public async Task AsAsyncEnumerable_RandomInput_EqualsToListInOrder(int seed, bool prefetch)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random);
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length)).Select(x => x * 3);
        var streamed = new List<int>();
        await foreach (var x in rdd.AsAsyncEnumerable(prefetch).WithCancellation(Ct))
        {
            streamed.Add(x);
        }

        Assert.Equal(data.Select(x => x * 3), streamed);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task AsAsyncEnumerable_StopAfterFirstElement_RunsOnlyTheJobsReachedAndLeavesNoneRunning(bool prefetch, int maxJobs)
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 100), 10);
        await fixture.ResetEventsAsync();
        await foreach (var x in rdd.AsAsyncEnumerable(prefetch).WithCancellation(Ct))
        {
            Assert.Equal(0, x);
            break;
        }

        Assert.Equal(0, _ctx.Scheduler.ActiveJobCount);
        await _ctx.Listeners.FlushAsync();
        // With prefetch the second partition's job may or may not have started before it was cancelled.
        Assert.InRange(JobsOf(nameof(Rdd.AsAsyncEnumerable)), 1, maxJobs);
    }

    [Fact]
    public async Task AsAsyncEnumerable_OnePartitionAtATime_EachJobComputesOnePartition()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 40), 4);
        await fixture.ResetEventsAsync();
        var seen = 0;
        await foreach (var x in rdd.AsAsyncEnumerable().WithCancellation(Ct))
        {
            seen++;
        }

        await _ctx.Listeners.FlushAsync();
        Assert.Equal(40, seen);
        Assert.Equal(4, JobsOf(nameof(Rdd.AsAsyncEnumerable)));
        Assert.Equal([0, 1, 2, 3], fixture.Recorder.Events.OfType<TaskEndEvent>().Select(t => t.Task.PartitionId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AsAsyncEnumerable_CancelledThroughWithCancellation_ThrowsAndStops(bool prefetch)
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 100), 10);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var x in rdd.AsAsyncEnumerable(prefetch).WithCancellation(cts.Token))
            {
                seen.Add(x);
                if (x == 15)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(Enumerable.Range(0, 16), seen);
        Assert.Equal(0, _ctx.Scheduler.ActiveJobCount);
    }

    [Fact]
    public async Task AsAsyncEnumerable_ShuffledRdd_RunsTheShuffleOnce()
    {
        var counts = _ctx.Parallelize(TestData.Pairs(new Random(5)), 4).ReduceByKey((a, b) => a + b, 5);
        await fixture.ResetEventsAsync();
        var streamed = new List<(string Key, int Value)>();
        await foreach (var kv in counts.AsAsyncEnumerable().WithCancellation(Ct))
        {
            streamed.Add(kv);
        }

        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.StagesRunSinceClear, s => s.Stage.ShuffleId is not null);
        Assert.Equal((await counts.ToListAsync(Ct)).Order(), streamed.Order());
    }
}
