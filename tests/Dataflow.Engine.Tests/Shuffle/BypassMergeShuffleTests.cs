using Dataflow.Configuration;
using Dataflow.Partitioning;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Shuffle;

/// <summary>
/// Shuffles that neither combine nor sort, into few partitions, write each record straight to its partition's file:
/// under a budget that makes the sorting path spill every 16 KiB they spill nothing, keep every record, and leave no
/// file behind, also when a map task fails part-way. Above the threshold, or with it at 0, the sorter is used.
/// </summary>
public sealed class BypassMergeShuffleTests : IAsyncLifetime
{
    private DataflowContext _ctx = null!;
    private readonly EventRecorder _recorder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _ctx = NewContext(threshold: 4, _recorder);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public async Task PartitionBy_UpToTheThreshold_WritesWithoutSortingOrSpilling(int partitions, bool sorted)
    {
        var data = Enumerable.Range(0, 30_000).Select(i => ("k" + (i * 7919 % 5000), i)).ToArray();

        var result = await _ctx.Parallelize(data, 3).PartitionBy(new HashPartitioner(partitions))
            .SelectPartitions(records => records.Select(r => (Partition: Dataflow.Execution.TaskContext.Current!.PartitionId, Record: r)))
            .ToListAsync(Ct);
        await _ctx.Listeners.FlushAsync();

        Assert.Equal(data.Order(), result.Select(r => r.Record).Order());
        var partitioner = new HashPartitioner(partitions);
        Assert.All(result, r => Assert.Equal(partitioner.GetPartition(r.Record.Item1), r.Partition));
        var map = _recorder.StagesRunSinceClear[0].Metrics;
        Assert.Equal(30_000, map.ShuffleWriteRecords);
        Assert.Equal(sorted, map.SpillBytes > 0);
        Assert.Empty(SpillFiles());
    }

    [Fact]
    public async Task GroupByAndJoin_ThroughTheBypass_MatchLinq()
    {
        var left = Enumerable.Range(0, 8_000).Select(i => (i % 300, i)).ToArray();
        var right = Enumerable.Range(0, 500).Select(i => (i % 400, "r" + i)).ToArray();

        var groups = await _ctx.Parallelize(left, 3).GroupByKey(3).Select(g => (g.Key, g.Value.Sum())).ToDictionaryAsync(Ct);
        var joined = await _ctx.Parallelize(left, 3).Join(_ctx.Parallelize(right, 2), 4).CountAsync(Ct);

        Assert.Equal(left.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Sum(p => p.i)), groups);
        Assert.Equal(left.Join(right, l => l.Item1, r => r.Item1, (l, r) => 1).LongCount(), joined);
        Assert.Empty(SpillFiles());
    }

    [Fact]
    public async Task MapTaskFailingPartWay_LeavesNoPartitionFile()
    {
        var error = await Assert.ThrowsAsync<JobFailedException>(() => _ctx.Range(0, 50_000, 1, 2)
            .Select(i => i == 40_000 ? throw new InvalidDataException("bad record") : (i % 4, i))
            .PartitionBy(new HashPartitioner(3)).CountAsync(Ct));

        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Empty(SpillFiles());
        Assert.Empty(Directory.GetFiles(_ctx.WorkDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ThresholdZero_AlwaysSorts()
    {
        var recorder = new EventRecorder();
        await using var ctx = NewContext(threshold: 0, recorder);

        Assert.Equal(30_000, await ctx.Range(0, 30_000, 1, 3).Select(i => (i % 1000, i)).PartitionBy(new HashPartitioner(2)).CountAsync(Ct));
        await ctx.Listeners.FlushAsync();

        Assert.True(recorder.StagesRunSinceClear[0].Metrics.SpillBytes > 0, "the sorting path under this budget spills");
    }

    private static DataflowContext NewContext(int threshold, EventRecorder recorder)
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = new ByteSize(SpillingContextFixture.Budget);
        options.Shuffle.BypassMergeThreshold = threshold;
        options.Scheduler.MaxTaskFailures = 1;
        var ctx = new DataflowContext(options);
        ctx.Environment.Memory.ConsumerSpillThreshold = SpillingContextFixture.SpillThreshold;
        ctx.Listeners.Add(recorder);
        return ctx;
    }

    private string[] SpillFiles() => Directory.Exists(_ctx.Environment.SpillDirectory)
        ? Directory.GetFiles(_ctx.Environment.SpillDirectory, "*", SearchOption.AllDirectories)
        : [];
}
