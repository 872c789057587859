using System.Text.Json;

namespace Dataflow.Ui.Model;

/// <summary>
/// The state of one application as the UI shows it, built from event-log records (<c>EventLog.md</c> in the engine):
/// the live UI feeds it the records its listener translates from the bus, the history server the lines of a file, so
/// both show the same thing. <see cref="Apply"/> runs on one thread at a time; readers use <see cref="Read{T}"/>.
/// Only the latest finished jobs are kept (with the stages and tasks no kept job refers to dropped with them), so a
/// training run of many thousand small jobs holds a bounded state.
/// </summary>
/// <remarks>Spark: AppStatusListener and AppStatusStore; spark.ui.retainedJobs and its batch cleaning</remarks>
internal sealed partial class AppModel(int retainedJobs = AppModel.DefaultRetainedJobs)
{
    /// <summary>Spark's default of spark.ui.retainedJobs.</summary>
    public const int DefaultRetainedJobs = 1000;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, TaskModel> _tasks = [];
    private int _finishedJobs;

    public string Id { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string Master { get; private set; } = "";

    public string User { get; private set; } = "";

    public DateTimeOffset? StartTime { get; private set; }

    public DateTimeOffset? EndTime { get; private set; }

    /// <summary>The time of the latest record.</summary>
    public DateTimeOffset LastUpdated { get; private set; }

    public bool Completed => EndTime is not null;

    public SortedDictionary<string, ExecutorModel> Executors { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<int, JobModel> Jobs { get; } = [];

    /// <summary>Each stage's attempts, by stage id then attempt.</summary>
    public SortedDictionary<int, SortedDictionary<int, StageModel>> Stages { get; } = [];

    /// <summary>The latest description of each stage (with RDDs once one was submitted or skipped).</summary>
    public Dictionary<int, StageDescription> StageDescriptions { get; } = [];

    public SortedDictionary<int, CachedRddModel> CachedRdds { get; } = [];

    /// <summary>Runs <paramref name="read"/> on a consistent state (no record is applied meanwhile).</summary>
    public T Read<T>(Func<AppModel, T> read)
    {
        lock (_lock)
        {
            return read(this);
        }
    }

    /// <summary>Applies one record (a JSON object with an <c>event</c> field); unknown events are ignored.</summary>
    /// <exception cref="FormatException">A known event lacks a field it must have; the message names it.</exception>
    public void Apply(JsonElement record)
    {
        lock (_lock)
        {
            var time = Time(record, "time");
            if (time > LastUpdated)
            {
                LastUpdated = time;
            }

            switch (String(record, "event"))
            {
                case "ApplicationStart":
                    Id = String(record, "appId");
                    Name = String(record, "appName");
                    Master = String(record, "master");
                    User = String(record, "user");
                    StartTime = time;
                    break;
                case "ApplicationEnd":
                    EndTime = time;
                    break;
                case "ExecutorAdded":
                    var executorId = String(record, "executorId");
                    Executors[executorId] = new ExecutorModel
                    {
                        ExecutorId = executorId,
                        Host = String(record, "host"),
                        Cores = Int(record, "cores"),
                        AddTime = time,
                    };
                    break;
                case "ExecutorRemoved":
                    if (Executors.TryGetValue(String(record, "executorId"), out var removed))
                    {
                        removed.RemoveTime = time;
                        removed.RemoveReason = NullableString(record, "reason");
                    }

                    break;
                case "JobStart":
                    ApplyJobStart(record, time);
                    break;
                case "JobEnd":
                    if (Jobs.TryGetValue(Int(record, "jobId"), out var job))
                    {
                        var wasRunning = job.Status == "RUNNING";
                        job.Status = Bool(record, "succeeded") ? "SUCCEEDED" : "FAILED";
                        job.CompletionTime = time;
                        job.Error = NullableString(record, "error");
                        if (wasRunning)
                        {
                            _finishedJobs++;
                            DropOldJobs();
                        }
                    }

                    break;
                case "StageSubmitted":
                    ApplyStageSubmitted(record, time);
                    break;
                case "StageCompleted":
                    ApplyStageCompleted(record, time);
                    break;
                case "StageSkipped":
                    ApplyStageSkipped(record);
                    break;
                case "TaskStart":
                    ApplyTaskStart(record, time);
                    break;
                case "TaskEnd":
                    ApplyTaskEnd(record, time);
                    break;
            }
        }
    }

    /// <summary>
    /// Past the limit, drops the oldest finished jobs: a tenth of the limit at once (at least one), as Spark does, so
    /// that the scan for the stages still referred to runs once per batch, not per job.
    /// </summary>
    private void DropOldJobs()
    {
        if (_finishedJobs <= retainedJobs)
        {
            return;
        }

        var count = Math.Max(1, retainedJobs / 10);
        var dropped = Jobs.Values.Where(j => j.Status != "RUNNING").Take(count).ToList();
        foreach (var job in dropped)
        {
            Jobs.Remove(job.JobId);
            foreach (var task in job.Tasks)
            {
                _tasks.Remove(task.TaskId);
            }
        }

        _finishedJobs -= dropped.Count;
        var kept = Jobs.Values.SelectMany(j => j.StageIds).ToHashSet();
        foreach (var stageId in dropped.SelectMany(j => j.StageIds).Distinct().Where(id => !kept.Contains(id)))
        {
            Stages.Remove(stageId);
            StageDescriptions.Remove(stageId);
        }
    }

    private void ApplyJobStart(JsonElement record, DateTimeOffset time)
    {
        var jobId = Int(record, "jobId");
        var stageIds = new List<int>();
        foreach (var stage in Property(record, "stages").EnumerateArray())
        {
            var description = ReadStage(stage);
            stageIds.Add(description.StageId);
            // A stage already described with RDDs (by an earlier job) keeps them.
            StageDescriptions[description.StageId] = StageDescriptions.TryGetValue(description.StageId, out var known)
                ? known
                : description;
        }

        Jobs[jobId] = new JobModel
        {
            JobId = jobId,
            Name = CallSite(record, "callSite"),
            SubmissionTime = time,
            StageIds = stageIds,
        };
    }

    private void ApplyStageSubmitted(JsonElement record, DateTimeOffset time)
    {
        var stageRecord = Property(record, "stage");
        var description = ReadStage(stageRecord);
        StageDescriptions[description.StageId] = description;
        var stage = StageAttempt(description, Int(stageRecord, "attempt"));
        stage.Status = "ACTIVE";
        stage.SubmissionTime = time;
        stage.JobIds.Add(Int(record, "jobId"));
        foreach (var rdd in description.Rdds.Where(r => r.IsPersisted))
        {
            if (CachedRdds.TryGetValue(rdd.RddId, out var cached))
            {
                cached.Rdd = rdd;
            }
            else
            {
                CachedRdds[rdd.RddId] = new CachedRddModel { Rdd = rdd };
            }
        }
    }

    private void ApplyStageCompleted(JsonElement record, DateTimeOffset time)
    {
        var stageId = Int(record, "stageId");
        if (!StageDescriptions.TryGetValue(stageId, out var description))
        {
            return;
        }

        var stage = StageAttempt(description, Int(record, "attempt"));
        stage.Status = Bool(record, "succeeded") ? "COMPLETE" : "FAILED";
        stage.CompletionTime = time;
        stage.FailureReason = NullableString(record, "failureReason");
    }

    private void ApplyStageSkipped(JsonElement record)
    {
        var stageRecord = Property(record, "stage");
        var description = ReadStage(stageRecord);
        if (description.Rdds.Count > 0 || !StageDescriptions.ContainsKey(description.StageId))
        {
            StageDescriptions[description.StageId] = description;
        }

        var jobId = Int(record, "jobId");
        if (Jobs.TryGetValue(jobId, out var job))
        {
            job.SkippedStageIds.Add(description.StageId);
        }

        // A stage that never ran in this application (its output came from elsewhere) shows as skipped.
        if (!Stages.ContainsKey(description.StageId))
        {
            var stage = StageAttempt(description, Int(stageRecord, "attempt"));
            stage.Status = "SKIPPED";
            stage.JobIds.Add(jobId);
        }
    }

    private void ApplyTaskStart(JsonElement record, DateTimeOffset time)
    {
        var task = new TaskModel
        {
            TaskId = Long(record, "taskId"),
            JobId = Int(record, "jobId"),
            StageId = Int(record, "stageId"),
            StageAttempt = Int(record, "stageAttempt"),
            Partition = Int(record, "partition"),
            Attempt = Int(record, "attempt"),
            LaunchTime = time,
        };
        Register(task);
    }

    private void Register(TaskModel task)
    {
        _tasks[task.TaskId] = task;
        if (Jobs.TryGetValue(task.JobId, out var job))
        {
            job.Tasks.Add(task);
        }

        if (StageDescriptions.TryGetValue(task.StageId, out var description))
        {
            StageAttempt(description, task.StageAttempt).Tasks[task.TaskId] = task;
        }
    }

    private StageModel StageAttempt(StageDescription description, int attempt)
    {
        if (!Stages.TryGetValue(description.StageId, out var attempts))
        {
            attempts = [];
            Stages[description.StageId] = attempts;
        }

        if (!attempts.TryGetValue(attempt, out var stage))
        {
            stage = new StageModel { Description = description, Attempt = attempt, NumTasks = description.NumTasks };
            attempts[attempt] = stage;
        }
        else if (description.Rdds.Count > 0)
        {
            stage.Description = description;
            stage.NumTasks = description.NumTasks;
        }

        return stage;
    }
}
