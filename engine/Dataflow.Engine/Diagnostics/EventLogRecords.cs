using System.Text.Json;
using Dataflow.Execution;
using Dataflow.Scheduling;

namespace Dataflow.Diagnostics;

/// <summary>
/// Turns listener-bus events into event-log records (one JSON object each, see <c>EventLog.md</c>). Keeps the little
/// state the records need: when each running task started (for its duration and scheduler delay) and which stages a
/// succeeded job skipped (<see cref="SkippedStages"/>).
/// Called on the bus's thread only.
/// </summary>
internal sealed class EventLogRecords
{
    private readonly Dictionary<long, DateTimeOffset> _taskStarts = [];
    private readonly SkippedStages _skipped = new();

    /// <summary>The records for <paramref name="e"/>, in order; none for events the log does not keep.</summary>
    public IEnumerable<Action<Utf8JsonWriter>> Translate(DataflowEvent e)
    {
        foreach (var stage in _skipped.Observe(e))
        {
            yield return w => Record(w, "StageSkipped", e.Time, () =>
            {
                w.WriteNumber("jobId", ((JobEndEvent)e).JobId);
                w.WritePropertyName("stage");
                WriteStage(w, stage, withRdds: true);
            });
        }

        switch (e)
        {
            case ApplicationStartEvent start:
                yield return w => Record(w, "ApplicationStart", e.Time, () =>
                {
                    w.WriteString("appId", start.ApplicationId);
                    w.WriteString("appName", start.AppName);
                    w.WriteString("master", start.Master);
                    w.WriteString("user", start.User);
                });
                break;
            case ApplicationEndEvent end:
                yield return w => Record(w, "ApplicationEnd", e.Time, () => w.WriteString("appId", end.ApplicationId));
                break;
            case ExecutorAddedEvent added:
                yield return w => Record(w, "ExecutorAdded", e.Time, () =>
                {
                    w.WriteString("executorId", added.ExecutorId);
                    w.WriteString("host", added.Host);
                    w.WriteNumber("cores", added.Cores);
                });
                break;
            case ExecutorRemovedEvent removed:
                yield return w => Record(w, "ExecutorRemoved", e.Time, () =>
                {
                    w.WriteString("executorId", removed.ExecutorId);
                    w.WriteString("reason", removed.Reason);
                });
                break;
            case JobStartEvent job:
                yield return w => Record(w, "JobStart", e.Time, () =>
                {
                    w.WriteNumber("jobId", job.JobId);
                    WriteCallSite(w, "callSite", job.CallSite);
                    w.WriteStartArray("stageIds");
                    foreach (var stage in job.Stages)
                    {
                        w.WriteNumberValue(stage.StageId);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("stages");
                    foreach (var stage in job.Stages)
                    {
                        WriteStage(w, stage, withRdds: false);
                    }

                    w.WriteEndArray();
                });
                break;
            case JobEndEvent jobEnd:
                yield return w => Record(w, "JobEnd", e.Time, () =>
                {
                    w.WriteNumber("jobId", jobEnd.JobId);
                    w.WriteBoolean("succeeded", jobEnd.Succeeded);
                    WriteNullableString(w, "error", jobEnd.Error?.Message);
                });
                break;
            case StageSubmittedEvent submitted:
                yield return w => Record(w, "StageSubmitted", e.Time, () =>
                {
                    w.WriteNumber("jobId", submitted.JobId);
                    w.WritePropertyName("stage");
                    WriteStage(w, submitted.Stage, withRdds: true);
                });
                break;
            case StageCompletedEvent completed:
                yield return w => Record(w, "StageCompleted", e.Time, () =>
                {
                    w.WriteNumber("jobId", completed.JobId);
                    w.WriteNumber("stageId", completed.Stage.StageId);
                    w.WriteNumber("attempt", completed.Stage.Attempt);
                    w.WriteNumber("numTasks", completed.Stage.NumTasks);
                    w.WriteBoolean("succeeded", completed.FailureReason is null);
                    WriteNullableString(w, "failureReason", completed.FailureReason);
                    w.WritePropertyName("metrics");
                    w.WriteStartObject();
                    WriteMetrics(w, completed.Metrics);
                    w.WriteEndObject();
                });
                break;
            case TaskStartEvent taskStart:
                _taskStarts[taskStart.Task.TaskId] = e.Time;
                yield return w => Record(w, "TaskStart", e.Time, () => WriteTask(w, taskStart.Task));
                break;
            case TaskEndEvent taskEnd:
                var started = _taskStarts.Remove(taskEnd.Task.TaskId, out var at) ? at : e.Time;
                yield return w => Record(w, "TaskEnd", e.Time, () => WriteTaskEnd(w, taskEnd, e.Time - started));
                break;
        }
    }

    private static void Record(Utf8JsonWriter w, string name, DateTimeOffset time, Action body)
    {
        w.WriteStartObject();
        w.WriteString("event", name);
        w.WriteNumber("time", time.ToUnixTimeMilliseconds());
        body();
        w.WriteEndObject();
    }

    private static void WriteTask(Utf8JsonWriter w, TaskInfo task)
    {
        w.WriteNumber("taskId", task.TaskId);
        w.WriteNumber("jobId", task.JobId);
        w.WriteNumber("stageId", task.StageId);
        w.WriteNumber("stageAttempt", task.StageAttempt);
        w.WriteNumber("partition", task.PartitionId);
        w.WriteNumber("attempt", task.Attempt);
    }

    private static void WriteTaskEnd(Utf8JsonWriter w, TaskEndEvent end, TimeSpan duration)
    {
        WriteTask(w, end.Task);
        w.WriteString("executorId", end.ExecutorId);
        w.WriteBoolean("succeeded", end.Succeeded);
        WriteNullableString(w, "failureReason", end.Error is null ? null : $"{end.Error.GetType().Name}: {end.Error.Message}");
        var metrics = end.Metrics;
        WriteMilliseconds(w, "duration", duration);
        // What the executor did not account for: waiting for a slot, shipping the task and its result.
        WriteMilliseconds(w, "schedulerDelay", TimeSpan.FromTicks(Math.Max(0, (duration - metrics.Duration - metrics.DeserializeTime).Ticks)));
        WriteMetrics(w, metrics);
    }

    private static void WriteMetrics(Utf8JsonWriter w, TaskMetrics metrics)
    {
        WriteMilliseconds(w, "deserializeTime", metrics.DeserializeTime);
        WriteMilliseconds(w, "computeTime", metrics.Duration);
        WriteMilliseconds(w, "gcTime", metrics.GcTime);
        w.WriteNumber("recordsRead", metrics.RecordsRead);
        w.WriteNumber("bytesRead", metrics.BytesRead);
        w.WriteNumber("recordsWritten", metrics.RecordsWritten);
        w.WriteNumber("bytesWritten", metrics.BytesWritten);
        w.WriteNumber("shuffleReadRecords", metrics.ShuffleReadRecords);
        w.WriteNumber("shuffleReadBytes", metrics.ShuffleReadBytes);
        w.WriteNumber("shuffleRemoteReadBytes", metrics.ShuffleRemoteReadBytes);
        w.WriteNumber("shuffleWriteRecords", metrics.ShuffleWriteRecords);
        w.WriteNumber("shuffleWriteBytes", metrics.ShuffleWriteBytes);
        WriteMilliseconds(w, "shuffleWriteTime", metrics.ShuffleWriteTime);
        WriteMilliseconds(w, "shuffleFetchWaitTime", metrics.ShuffleFetchWaitTime);
        w.WriteNumber("spillBytes", metrics.SpillBytes);
        w.WriteNumber("peakExecutionMemory", metrics.PeakExecutionMemory);
    }

    private static void WriteStage(Utf8JsonWriter w, StageInfo stage, bool withRdds)
    {
        w.WriteStartObject();
        w.WriteNumber("stageId", stage.StageId);
        w.WriteNumber("attempt", stage.Attempt);
        WriteCallSite(w, "callSite", stage.Name);
        w.WriteNumber("numTasks", stage.NumTasks);
        if (stage.ShuffleId is { } shuffle)
        {
            w.WriteNumber("shuffleId", shuffle);
        }
        else
        {
            w.WriteNull("shuffleId");
        }

        w.WriteStartArray("parentStageIds");
        foreach (var parent in stage.ParentStageIds)
        {
            w.WriteNumberValue(parent);
        }

        w.WriteEndArray();
        if (withRdds)
        {
            w.WriteStartArray("rdds");
            foreach (var rdd in stage.Rdds)
            {
                w.WriteStartObject();
                w.WriteNumber("rddId", rdd.RddId);
                w.WriteString("kind", rdd.Kind);
                WriteNullableString(w, "name", rdd.Name);
                WriteCallSite(w, "callSite", rdd.CallSite);
                w.WriteStartArray("parentIds");
                foreach (var parent in rdd.ParentIds)
                {
                    w.WriteNumberValue(parent);
                }

                w.WriteEndArray();
                w.WriteNumber("numPartitions", rdd.NumPartitions);
                w.WriteString("storageLevel", rdd.StorageLevel);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteCallSite(Utf8JsonWriter w, string name, CallSite site)
    {
        w.WritePropertyName(name);
        w.WriteStartObject();
        w.WriteString("operation", site.Operation);
        w.WriteString("file", site.File);
        w.WriteNumber("line", site.Line);
        w.WriteString("text", site.ToString());
        w.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteMilliseconds(Utf8JsonWriter w, string name, TimeSpan span) =>
        w.WriteNumber(name, Math.Round(span.TotalMilliseconds, 3));
}
