using Dataflow.Ui.Model;

namespace Dataflow.Ui.Api;

/// <summary>
/// The JSON objects of the REST API, with the paths and field names of Spark's (<c>/api/v1/applications/...</c>):
/// ApplicationInfo, JobData, StageData, TaskData, task summary, ExecutorSummary and RDDStorageInfo. Fields Spark has
/// and the engine does not measure are left out, except where a client needs them (<c>memoryBytesSpilled</c> is 0:
/// only bytes spilled to disk are measured). Called under <see cref="AppModel.Read{T}"/>.
/// </summary>
internal static class ApiViews
{
    public static object Application(AppModel app) => new
    {
        app.Id,
        app.Name,
        Attempts = new[]
        {
            new
            {
                StartTime = ApiTime.Format(app.StartTime),
                EndTime = ApiTime.Format(app.EndTime) ?? ApiTime.NotEnded,
                LastUpdated = ApiTime.Format(app.LastUpdated),
                Duration = app.StartTime is { } start ? (long)((app.EndTime ?? app.LastUpdated) - start).TotalMilliseconds : 0,
                SparkUser = app.User,
                app.Completed,
                StartTimeEpoch = app.StartTime?.ToUnixTimeMilliseconds() ?? 0,
                EndTimeEpoch = app.EndTime?.ToUnixTimeMilliseconds() ?? -1,
                LastUpdatedEpoch = app.LastUpdated.ToUnixTimeMilliseconds(),
            },
        },
    };

    public static object Job(AppModel app, JobModel job)
    {
        var tasks = app.TasksOfJob(job.JobId).ToList();
        var stages = job.StageIds.Where(id => !job.SkippedStageIds.Contains(id)).Select(app.LatestAttempt).ToList();
        return new
        {
            job.JobId,
            job.Name,
            SubmissionTime = ApiTime.Format(job.SubmissionTime),
            CompletionTime = ApiTime.Format(job.CompletionTime),
            job.StageIds,
            job.Status,
            NumTasks = job.StageIds.Where(id => !job.SkippedStageIds.Contains(id))
                .Sum(id => app.StageDescriptions.TryGetValue(id, out var d) ? d.NumTasks : 0),
            NumActiveTasks = tasks.Count(t => t.Status == "RUNNING"),
            NumCompletedTasks = tasks.Count(t => t.Status == "SUCCESS"),
            NumSkippedTasks = job.SkippedStageIds.Sum(id => app.StageDescriptions.TryGetValue(id, out var d) ? d.NumTasks : 0),
            NumFailedTasks = tasks.Count(t => t.Status == "FAILED"),
            NumKilledTasks = tasks.Count(t => t.Status == "KILLED"),
            NumActiveStages = stages.Count(s => s?.Status == "ACTIVE"),
            NumCompletedStages = stages.Count(s => s?.Status == "COMPLETE"),
            NumSkippedStages = job.SkippedStageIds.Count,
            NumFailedStages = stages.Count(s => s?.Status == "FAILED"),
            ErrorMessage = job.Error,
        };
    }

    public static object Stage(StageModel stage)
    {
        var done = stage.Tasks.Values.Where(t => t.Status == "SUCCESS").ToList();
        return new
        {
            stage.Status,
            stage.StageId,
            AttemptId = stage.Attempt,
            stage.NumTasks,
            NumActiveTasks = stage.Tasks.Values.Count(t => t.Status == "RUNNING"),
            NumCompleteTasks = done.Count,
            NumFailedTasks = stage.Tasks.Values.Count(t => t.Status == "FAILED"),
            NumKilledTasks = stage.Tasks.Values.Count(t => t.Status == "KILLED"),
            NumCompletedIndices = done.Select(t => t.Partition).Distinct().Count(),
            SubmissionTime = ApiTime.Format(stage.SubmissionTime),
            FirstTaskLaunchedTime = ApiTime.Format(stage.Tasks.Values.Select(t => (DateTimeOffset?)t.LaunchTime).Min()),
            CompletionTime = ApiTime.Format(stage.CompletionTime),
            stage.FailureReason,
            ExecutorDeserializeTime = Ms(done.Sum(t => t.DeserializeTime)),
            ExecutorRunTime = Ms(done.Sum(t => t.ComputeTime)),
            JvmGcTime = Ms(done.Sum(t => t.GcTime)),
            PeakExecutionMemory = done.Select(t => t.PeakExecutionMemory).DefaultIfEmpty().Max(),
            InputBytes = done.Sum(t => t.BytesRead),
            InputRecords = done.Sum(t => t.RecordsRead),
            OutputBytes = done.Sum(t => t.BytesWritten),
            OutputRecords = done.Sum(t => t.RecordsWritten),
            ShuffleRemoteBytesRead = done.Sum(t => t.ShuffleRemoteReadBytes),
            ShuffleLocalBytesRead = done.Sum(t => t.ShuffleReadBytes - t.ShuffleRemoteReadBytes),
            ShuffleReadBytes = done.Sum(t => t.ShuffleReadBytes),
            ShuffleReadRecords = done.Sum(t => t.ShuffleReadRecords),
            ShuffleWriteBytes = done.Sum(t => t.ShuffleWriteBytes),
            ShuffleWriteRecords = done.Sum(t => t.ShuffleWriteRecords),
            ShuffleFetchWaitTime = Ms(done.Sum(t => t.ShuffleFetchWaitTime)),
            ShuffleWriteTime = Ns(done.Sum(t => t.ShuffleWriteTime)),
            MemoryBytesSpilled = 0L,
            DiskBytesSpilled = done.Sum(t => t.SpillBytes),
            stage.Description.Name,
            Details = string.Join("\n", stage.Description.Rdds.Select(r => $"{r.Label} at {r.CallSite}")),
            SchedulingPool = "default",
            RddIds = stage.Description.Rdds.Select(r => r.RddId).ToArray(),
            ParentStageIds = stage.Description.ParentStageIds,
            stage.Description.ShuffleId,
            stage.JobIds,
        };
    }

    public static object Task(AppModel app, TaskModel task) => new
    {
        task.TaskId,
        Index = task.Partition,
        task.Attempt,
        PartitionId = task.Partition,
        LaunchTime = ApiTime.Format(task.LaunchTime),
        Duration = task.IsFinished ? Ms(task.Duration) : (long?)null,
        task.ExecutorId,
        Host = app.Executors.TryGetValue(task.ExecutorId, out var executor) ? executor.Host : "",
        task.Status,
        Speculative = false,
        task.ErrorMessage,
        SchedulerDelay = Ms(task.SchedulerDelay),
        GettingResultTime = 0L,
        TaskMetrics = task.IsFinished
            ? new
            {
                ExecutorDeserializeTime = Ms(task.DeserializeTime),
                ExecutorRunTime = Ms(task.ComputeTime),
                JvmGcTime = Ms(task.GcTime),
                MemoryBytesSpilled = 0L,
                DiskBytesSpilled = task.SpillBytes,
                task.PeakExecutionMemory,
                InputMetrics = new { task.BytesRead, task.RecordsRead },
                OutputMetrics = new { task.BytesWritten, task.RecordsWritten },
                ShuffleReadMetrics = new
                {
                    RemoteBytesRead = task.ShuffleRemoteReadBytes,
                    LocalBytesRead = task.ShuffleReadBytes - task.ShuffleRemoteReadBytes,
                    RecordsRead = task.ShuffleReadRecords,
                    FetchWaitTime = Ms(task.ShuffleFetchWaitTime),
                },
                ShuffleWriteMetrics = new { BytesWritten = task.ShuffleWriteBytes, WriteTime = Ns(task.ShuffleWriteTime), RecordsWritten = task.ShuffleWriteRecords },
            }
            : null,
    };

    /// <summary>Spark's <c>taskSummary</c>: per metric, its value at each quantile over the stage's succeeded tasks.</summary>
    public static object TaskSummary(StageModel stage, IReadOnlyList<double> quantiles)
    {
        var done = stage.Tasks.Values.Where(t => t.Status == "SUCCESS").ToList();
        double[] Of(Func<TaskModel, double> metric) => Api.Quantiles.Of(done.Select(metric), quantiles);
        return new
        {
            Quantiles = quantiles,
            Duration = Of(t => t.Duration),
            ExecutorDeserializeTime = Of(t => t.DeserializeTime),
            ExecutorRunTime = Of(t => t.ComputeTime),
            JvmGcTime = Of(t => t.GcTime),
            SchedulerDelay = Of(t => t.SchedulerDelay),
            PeakExecutionMemory = Of(t => t.PeakExecutionMemory),
            MemoryBytesSpilled = Of(_ => 0),
            DiskBytesSpilled = Of(t => t.SpillBytes),
            InputMetrics = new { BytesRead = Of(t => t.BytesRead), RecordsRead = Of(t => t.RecordsRead) },
            OutputMetrics = new { BytesWritten = Of(t => t.BytesWritten), RecordsWritten = Of(t => t.RecordsWritten) },
            ShuffleReadMetrics = new
            {
                ReadBytes = Of(t => t.ShuffleReadBytes),
                ReadRecords = Of(t => t.ShuffleReadRecords),
                RemoteBytesRead = Of(t => t.ShuffleRemoteReadBytes),
                FetchWaitTime = Of(t => t.ShuffleFetchWaitTime),
            },
            ShuffleWriteMetrics = new { WriteBytes = Of(t => t.ShuffleWriteBytes), WriteRecords = Of(t => t.ShuffleWriteRecords), WriteTime = Of(t => t.ShuffleWriteTime * 1e6) },
        };
    }

    public static object Executor(AppModel app, ExecutorModel executor)
    {
        var active = app.Stages.Values.SelectMany(a => a.Values).SelectMany(s => s.Tasks.Values)
            .Count(t => t.Status == "RUNNING" && t.ExecutorId == executor.ExecutorId);
        return new
        {
            Id = executor.ExecutorId,
            HostPort = executor.Host,
            executor.IsActive,
            TotalCores = executor.Cores,
            MaxTasks = executor.Cores,
            ActiveTasks = active,
            executor.FailedTasks,
            executor.CompletedTasks,
            TotalTasks = executor.FailedTasks + executor.CompletedTasks + active,
            TotalDuration = Ms(executor.TotalDuration),
            TotalGCTime = Ms(executor.TotalGcTime),
            executor.TotalInputBytes,
            executor.TotalShuffleRead,
            executor.TotalShuffleWrite,
            AddTime = ApiTime.Format(executor.AddTime),
            RemoveTime = ApiTime.Format(executor.RemoveTime),
            executor.RemoveReason,
        };
    }

    public static object Rdd(CachedRddModel rdd) => new
    {
        Id = rdd.Rdd.RddId,
        Name = rdd.Rdd.Label,
        rdd.Rdd.NumPartitions,
        NumCachedPartitions = rdd.CachedPartitions.Count,
        rdd.Rdd.StorageLevel,
        rdd.Rdd.CallSite,
    };

    private static long Ms(double milliseconds) => (long)Math.Round(milliseconds);

    // Spark's API gives the shuffle write time in nanoseconds (and every other time in milliseconds).
    private static long Ns(double milliseconds) => (long)Math.Round(milliseconds * 1e6);
}
