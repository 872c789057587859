using System.Diagnostics.Metrics;
using Dataflow.Scheduling;
using Dataflow.Storage;

namespace Dataflow.Diagnostics;

/// <summary>
/// A context's figures as <see cref="System.Diagnostics.Metrics"/> instruments, so that OpenTelemetry exporters (or
/// any <see cref="MeterListener"/>) can collect them: a listener on the context's bus that turns task, stage and job
/// events into counters and histograms, plus gauges of the driver executor's memory. One meter per context, named
/// <see cref="MeterName"/> and tagged <c>app.id</c> with the context's <see cref="DataflowContext.ApplicationId"/>.
/// </summary>
/// <remarks>
/// Instruments: <c>dataflow.jobs</c> and <c>dataflow.tasks</c> (counters, tag <c>outcome</c>: <c>succeeded</c> or
/// <c>failed</c>), <c>dataflow.stages.skipped</c>, <c>dataflow.task.duration</c> (histogram, ms, of the executor's
/// compute time), <c>dataflow.shuffle.read.bytes</c>, <c>dataflow.shuffle.write.bytes</c>,
/// <c>dataflow.spill.bytes</c> (counters, By, from successful tasks), <c>dataflow.task.peak_memory</c> (histogram,
/// By), and the observable gauges <c>dataflow.executor.memory.execution</c>, <c>dataflow.executor.memory.storage</c>
/// and <c>dataflow.executor.memory.max</c> (By) of the driver's executor (in local mode, the one that runs tasks).
/// </remarks>
internal sealed class DataflowMetrics : IDataflowListener, IDisposable
{
    /// <summary>The name of every context's meter.</summary>
    public const string MeterName = "Dataflow";

    private static readonly KeyValuePair<string, object?> s_succeeded = new("outcome", "succeeded");
    private static readonly KeyValuePair<string, object?> s_failed = new("outcome", "failed");

    private readonly Meter _meter;
    private readonly Counter<long> _jobs;
    private readonly Counter<long> _tasks;
    private readonly Counter<long> _skippedStages;
    private readonly Histogram<double> _taskDuration;
    private readonly Counter<long> _shuffleRead;
    private readonly Counter<long> _shuffleWrite;
    private readonly Counter<long> _spill;
    private readonly Histogram<long> _peakMemory;
    private readonly SkippedStages _skipped = new();

    public DataflowMetrics(string applicationId, Func<MemoryManager?> memory)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new("app.id", applicationId)] });
        _jobs = _meter.CreateCounter<long>("dataflow.jobs", "{job}", "Jobs ended, by outcome.");
        _tasks = _meter.CreateCounter<long>("dataflow.tasks", "{task}", "Task attempts ended, by outcome.");
        _skippedStages = _meter.CreateCounter<long>("dataflow.stages.skipped", "{stage}", "Stages of succeeded jobs skipped because their shuffle output existed.");
        _taskDuration = _meter.CreateHistogram<double>("dataflow.task.duration", "ms", "Compute time of task attempts on their executor.");
        _shuffleRead = _meter.CreateCounter<long>("dataflow.shuffle.read.bytes", "By", "Shuffle bytes read by successful tasks.");
        _shuffleWrite = _meter.CreateCounter<long>("dataflow.shuffle.write.bytes", "By", "Shuffle bytes written by successful tasks.");
        _spill = _meter.CreateCounter<long>("dataflow.spill.bytes", "By", "Bytes spilled to disk by successful tasks.");
        _peakMemory = _meter.CreateHistogram<long>("dataflow.task.peak_memory", "By", "Peak execution memory of successful tasks.");
        _meter.CreateObservableGauge("dataflow.executor.memory.execution", () => memory()?.ExecutionUsed ?? 0, "By", "Execution memory in use on the driver's executor.");
        _meter.CreateObservableGauge("dataflow.executor.memory.storage", () => memory()?.StorageUsed ?? 0, "By", "Cache memory in use on the driver's executor.");
        _meter.CreateObservableGauge("dataflow.executor.memory.max", () => memory()?.MaxMemory ?? 0, "By", "Memory budget of the driver's executor.");
    }

    /// <inheritdoc />
    public void OnEvent(DataflowEvent e)
    {
        var skipped = _skipped.Observe(e).Count;
        if (skipped > 0)
        {
            _skippedStages.Add(skipped);
        }

        switch (e)
        {
            case TaskEndEvent end:
                _tasks.Add(1, end.Succeeded ? s_succeeded : s_failed);
                _taskDuration.Record(end.Metrics.Duration.TotalMilliseconds, end.Succeeded ? s_succeeded : s_failed);
                if (end.Succeeded)
                {
                    _shuffleRead.Add(end.Metrics.ShuffleReadBytes);
                    _shuffleWrite.Add(end.Metrics.ShuffleWriteBytes);
                    _spill.Add(end.Metrics.SpillBytes);
                    _peakMemory.Record(end.Metrics.PeakExecutionMemory);
                }

                break;
            case JobEndEvent jobEnd:
                _jobs.Add(1, jobEnd.Succeeded ? s_succeeded : s_failed);
                break;
        }
    }

    /// <summary>Disposes the meter: its instruments stop reporting.</summary>
    public void Dispose() => _meter.Dispose();
}
