using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Execution;

/// <summary>
/// TaskMetrics.ShuffleWriteTime and ShuffleFetchWaitTime: positive in every map task of each shuffle writer (combining
/// sorter, ordered sorter, bypass) and in every reduce task that reads a block; zero in a narrow job, and zero for the
/// side that did not happen (a map task fetches nothing, a result task writes nothing).
/// </summary>
public sealed class ShuffleTimeMetricsTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Writers => ["combine", "sorted", "bypass"];

    [Theory, MemberData(nameof(Writers))]
    public async Task ShuffleJob_EveryMapTaskHasWriteTime_EveryReduceTaskHasFetchWaitTime(string writer)
    {
        var pairs = _ctx.Parallelize(Enumerable.Range(0, 20_000), 4).Select(x => (Key: x % 97, Value: (long)x));
        Rdd<(int Key, long Value)> shuffled = writer switch
        {
            "combine" => pairs.ReduceByKey((a, b) => a + b, 3),
            "sorted" => pairs.OrderBy(p => p.Key, numPartitions: 3),
            _ => pairs.PartitionBy(new Dataflow.Partitioning.HashPartitioner(3)),
        };

        var ends = await TaskEndsAsync(() => shuffled.CountAsync(Ct));

        var maps = ends.Where(e => e.Metrics.ShuffleWriteBytes > 0).ToList();
        var reduces = ends.Where(e => e.Metrics.ShuffleReadBytes > 0).ToList();
        Assert.Equal(4, maps.Count);
        Assert.Equal(3, reduces.Count);
        Assert.All(maps, e => Assert.True(e.Metrics.ShuffleWriteTime > TimeSpan.Zero, $"map task {e.Task.PartitionId}: no write time"));
        Assert.All(maps, e => Assert.Equal(TimeSpan.Zero, e.Metrics.ShuffleFetchWaitTime));
        Assert.All(reduces, e => Assert.True(e.Metrics.ShuffleFetchWaitTime > TimeSpan.Zero, $"reduce task {e.Task.PartitionId}: no fetch wait time"));
        Assert.All(reduces, e => Assert.Equal(TimeSpan.Zero, e.Metrics.ShuffleWriteTime));
        // Each side is part of the task's own time.
        Assert.All(ends, e => Assert.True(e.Metrics.ShuffleWriteTime + e.Metrics.ShuffleFetchWaitTime <= e.Metrics.Duration, $"task {e.Task.PartitionId}"));
    }

    [Fact]
    public async Task NarrowJob_HasNoShuffleTimes()
    {
        var ends = await TaskEndsAsync(() => _ctx.Parallelize(Enumerable.Range(0, 20_000), 4).Select(x => x * 2).Where(x => x % 3 == 0).CountAsync(Ct));

        Assert.Equal(4, ends.Count);
        Assert.All(ends, e => Assert.Equal(TimeSpan.Zero, e.Metrics.ShuffleWriteTime));
        Assert.All(ends, e => Assert.Equal(TimeSpan.Zero, e.Metrics.ShuffleFetchWaitTime));
    }

    private async Task<List<TaskEndEvent>> TaskEndsAsync(Func<Task<int>> action)
    {
        await fixture.ResetEventsAsync();
        _ = await action();
        await _ctx.Listeners.FlushAsync();
        var job = fixture.Recorder.LastJobId;
        return [.. fixture.Recorder.Events.OfType<TaskEndEvent>().Where(e => e.Task.JobId == job && e.Error is null)];
    }
}
