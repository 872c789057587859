using System.Text.Json;

namespace Dataflow.Ui.Model;

internal sealed partial class AppModel
{
    private void ApplyTaskEnd(JsonElement record, DateTimeOffset time)
    {
        var taskId = Long(record, "taskId");
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            // A log that starts mid-application (never written by the engine, but be lenient): take the end alone.
            task = new TaskModel
            {
                TaskId = taskId,
                JobId = Int(record, "jobId"),
                StageId = Int(record, "stageId"),
                StageAttempt = Int(record, "stageAttempt"),
                Partition = Int(record, "partition"),
                Attempt = Int(record, "attempt"),
                LaunchTime = time - TimeSpan.FromMilliseconds(Double(record, "duration")),
            };
            Register(task);
        }

        var succeeded = Bool(record, "succeeded");
        task.ExecutorId = String(record, "executorId");
        task.ErrorMessage = NullableString(record, "failureReason");
        task.Status = succeeded ? "SUCCESS"
            : task.ErrorMessage?.StartsWith("TaskKilledException", StringComparison.Ordinal) == true || task.ExecutorId.Length == 0 ? "KILLED"
            : "FAILED";
        task.FinishTime = time;
        task.Duration = Double(record, "duration");
        task.SchedulerDelay = Double(record, "schedulerDelay");
        task.DeserializeTime = Double(record, "deserializeTime");
        task.ComputeTime = Double(record, "computeTime");
        task.GcTime = Double(record, "gcTime");
        task.RecordsRead = Long(record, "recordsRead");
        task.BytesRead = Long(record, "bytesRead");
        task.RecordsWritten = Long(record, "recordsWritten");
        task.BytesWritten = Long(record, "bytesWritten");
        task.ShuffleReadRecords = Long(record, "shuffleReadRecords");
        task.ShuffleReadBytes = Long(record, "shuffleReadBytes");
        task.ShuffleRemoteReadBytes = Long(record, "shuffleRemoteReadBytes");
        task.ShuffleWriteRecords = Long(record, "shuffleWriteRecords");
        task.ShuffleWriteBytes = Long(record, "shuffleWriteBytes");
        task.ShuffleWriteTime = OptionalDouble(record, "shuffleWriteTime");
        task.ShuffleFetchWaitTime = OptionalDouble(record, "shuffleFetchWaitTime");
        task.SpillBytes = Long(record, "spillBytes");
        task.PeakExecutionMemory = Long(record, "peakExecutionMemory");

        if (Executors.TryGetValue(task.ExecutorId, out var executor))
        {
            if (succeeded)
            {
                executor.CompletedTasks++;
            }
            else if (task.Status == "FAILED")
            {
                executor.FailedTasks++;
            }

            executor.TotalDuration += task.Duration;
            executor.TotalGcTime += task.GcTime;
            executor.TotalInputBytes += task.BytesRead;
            executor.TotalShuffleRead += task.ShuffleReadBytes;
            executor.TotalShuffleWrite += task.ShuffleWriteBytes;
        }

        if (succeeded && StageDescriptions.TryGetValue(task.StageId, out var stage))
        {
            // The task computed this partition of every RDD its stage pipelines, and so stored those persisted.
            foreach (var rdd in stage.Rdds.Where(r => r.IsPersisted && task.Partition < r.NumPartitions))
            {
                if (CachedRdds.TryGetValue(rdd.RddId, out var cached))
                {
                    cached.CachedPartitions.Add(task.Partition);
                }
            }
        }
    }

    /// <summary>The tasks of a job, over all its stages and attempts.</summary>
    public IReadOnlyList<TaskModel> TasksOfJob(int jobId) => Jobs.TryGetValue(jobId, out var job) ? job.Tasks : [];

    /// <summary>The latest attempt of a stage, or null.</summary>
    public StageModel? LatestAttempt(int stageId) =>
        Stages.TryGetValue(stageId, out var attempts) ? attempts.Values.Last() : null;

    private static StageDescription ReadStage(JsonElement stage)
    {
        var shuffle = Property(stage, "shuffleId");
        var rdds = new List<RddDescription>();
        if (stage.TryGetProperty("rdds", out var rddArray))
        {
            foreach (var rdd in rddArray.EnumerateArray())
            {
                rdds.Add(new RddDescription(
                    Int(rdd, "rddId"), String(rdd, "kind"), NullableString(rdd, "name"), CallSite(rdd, "callSite"),
                    [.. Property(rdd, "parentIds").EnumerateArray().Select(p => p.GetInt32())],
                    Int(rdd, "numPartitions"), String(rdd, "storageLevel")));
            }
        }

        return new StageDescription(
            Int(stage, "stageId"), CallSite(stage, "callSite"), Int(stage, "numTasks"),
            shuffle.ValueKind == JsonValueKind.Null ? null : shuffle.GetInt32(),
            [.. Property(stage, "parentStageIds").EnumerateArray().Select(p => p.GetInt32())])
        {
            Rdds = rdds,
        };
    }

    private static JsonElement Property(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value)
            ? value
            : throw new FormatException($"event-log record has no '{name}' field");

    private static string String(JsonElement record, string name) => Property(record, name).GetString() ?? "";

    private static string? NullableString(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Int(JsonElement record, string name) => Property(record, name).GetInt32();

    private static long Long(JsonElement record, string name) => Property(record, name).GetInt64();

    private static double Double(JsonElement record, string name) => Property(record, name).GetDouble();

    private static double OptionalDouble(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    private static bool Bool(JsonElement record, string name) => Property(record, name).GetBoolean();

    private static DateTimeOffset Time(JsonElement record, string name) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Long(record, name));

    private static string CallSite(JsonElement record, string name) => String(Property(record, name), "text");
}
