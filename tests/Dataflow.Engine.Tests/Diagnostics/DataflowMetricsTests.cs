using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dataflow.Configuration;
using Dataflow.Diagnostics;
using Dataflow.Execution;

namespace Dataflow.Tests.Diagnostics;

public sealed class DataflowMetricsTests
{
    /// <summary>Sums what a context's meter reports, per instrument and outcome tag, as an exporter would see it.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _appId;

        public Collector(string appId)
        {
            _appId = appId;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == DataflowMetrics.MeterName
                    && instrument.Meter.Tags?.Any(t => t.Key == "app.id" && (string?)t.Value == _appId) == true)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentDictionary<string, double> Sums { get; } = new();

        public ConcurrentDictionary<string, int> Counts { get; } = new();

        public double Sum(string name) => Sums.GetValueOrDefault(name);

        public void Observe() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += $"/{tag.Value}";
            }

            Sums.AddOrUpdate(key, value, (_, sum) => sum + value);
            Counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }

    [Fact]
    public async Task KnownJobs_ReportTasksJobsSkippedStagesShuffleAndMemory()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        await using var ctx = new DataflowContext(options);
        using var collector = new Collector(ctx.ApplicationId);

        var sums = ctx.Parallelize(Enumerable.Range(0, 100), 4).Select(x => (x % 5, x)).ReduceByKey((a, b) => a + b, 3);
        await sums.ToListAsync(TestContext.Current.CancellationToken);
        await sums.CountAsync(TestContext.Current.CancellationToken);
        var flaky = await ctx.Parallelize([1, 2], 1)
            .Select(x => TaskContext.Current!.AttemptNumber == 0 ? throw new InvalidOperationException("once") : x)
            .ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1, 2], flaky);
        await ctx.Listeners.FlushAsync();
        collector.Observe();

        Assert.Equal(3, collector.Sum("dataflow.jobs/succeeded"));
        Assert.Equal(0, collector.Sum("dataflow.jobs/failed"));
        // 4 map + 3 reduce, 3 reduce (map stage skipped), then 1 failed and 1 retried attempt.
        Assert.Equal(11, collector.Sum("dataflow.tasks/succeeded"));
        Assert.Equal(1, collector.Sum("dataflow.tasks/failed"));
        Assert.Equal(1, collector.Sum("dataflow.stages.skipped"));
        Assert.Equal(11, collector.Counts.GetValueOrDefault("dataflow.task.duration/succeeded"));
        Assert.True(collector.Sum("dataflow.task.duration/succeeded") > 0);
        var written = collector.Sum("dataflow.shuffle.write.bytes");
        Assert.True(written > 0);
        Assert.True(collector.Sum("dataflow.shuffle.read.bytes") > 0);
        Assert.Equal(0, collector.Sum("dataflow.spill.bytes"));
        Assert.Equal(11, collector.Counts.GetValueOrDefault("dataflow.task.peak_memory"));
        Assert.Equal(options.Executor.Memory.Bytes, collector.Sum("dataflow.executor.memory.max"));
        Assert.True(collector.Counts.ContainsKey("dataflow.executor.memory.execution"));
    }

    [Fact]
    public async Task SpillingJob_ReportsSpilledBytes()
    {
        var options = new DataflowOptions { Master = "local[1]" };
        options.Shuffle.BypassMergeThreshold = 0;
        await using var ctx = new DataflowContext(options);
        // As the spilling differential tests do: every structure spills past 16 KiB.
        ctx.Environment.Memory.ConsumerSpillThreshold = 16 * 1024;
        using var collector = new Collector(ctx.ApplicationId);

        var groups = await ctx.Range(0, 50_000, numSlices: 1).Select(x => (x % 1000, "value-" + x)).GroupByKey(2)
            .CountAsync(TestContext.Current.CancellationToken);
        await ctx.Listeners.FlushAsync();

        Assert.Equal(1000, groups);
        Assert.True(collector.Sum("dataflow.spill.bytes") > 0, "a 16 KiB spill threshold should make the group-by spill");
    }

    [Fact]
    public async Task DisposedContext_StopsReporting()
    {
        string appId;
        await using (var ctx = new DataflowContext(new DataflowOptions { Master = "local[1]" }))
        {
            appId = ctx.ApplicationId;
        }

        using var collector = new Collector(appId);
        collector.Observe();
        Assert.Empty(collector.Counts);
    }
}
