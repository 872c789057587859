using System.Globalization;
using Dataflow.Ui.Api;
using Dataflow.Ui.Model;
using static Dataflow.Ui.Pages.Html;

namespace Dataflow.Ui.Pages;

/// <summary>The HTML pages: jobs, a job (stage DAG and stages), stages, a stage (summary, timeline, tasks), executors, storage.</summary>
internal static class HtmlPages
{
    public static string ApplicationList(IReadOnlyList<ApplicationSummary> apps)
    {
        var rows = apps.Select(a => (IReadOnlyList<string>)
        [
            $"<a href=\"/history/{Url(a.Id)}/jobs/\">{E(a.Id)}</a>", E(a.Name), Time(a.StartTime),
            a.Completed ? Time(a.EndTime) : "(running or ended without a log end)", Duration(a.StartTime, a.EndTime ?? a.LastUpdated),
            E(a.User), Time(a.LastUpdated),
        ]);
        var body = apps.Count == 0
            ? "<p>No event logs in the directory yet.</p>"
            : Table("applications", ["App ID", "App Name", "Started", "Completed", "Duration", "User", "Last Updated"], rows);
        return Page("History", "", "History server", body);
    }

    public static string Jobs(AppModel app, string prefix)
    {
        var running = app.Completed ? "ended " + Time(app.EndTime) : "running";
        var summary = $"""
            <p>Application <strong>{E(app.Id)}</strong> ({E(app.Name)}) on <code>{E(app.Master)}</code>, user {E(app.User)},
            started {Time(app.StartTime)}, {running}. Jobs: {app.Jobs.Count}, executors: {app.Executors.Values.Count(e => e.IsActive)}.</p>
            """;
        var rows = app.Jobs.Values.Reverse().Select(job => JobRow(app, prefix, job));
        return Page("Jobs", prefix, app.Id, summary + Table("jobs",
            ["Job Id", "Description", "Submitted", "Duration", "Status", "Stages: Succeeded/Total", "Tasks: Succeeded/Total"], rows));
    }

    public static string? Job(AppModel app, string prefix, int jobId)
    {
        if (!app.Jobs.TryGetValue(jobId, out var job))
        {
            return null;
        }

        var stages = job.StageIds.Where(app.StageDescriptions.ContainsKey)
            .Select(id => (app.StageDescriptions[id], StageStatus(app, job, id))).ToList();
        var rows = job.StageIds.Select(id => StageRow(app, prefix, id, app.LatestAttempt(id), job));
        var error = job.Error is null ? "" : $"<p class=\"FAILED\">{E(job.Error)}</p>";
        var body = $"""
            <p>Status: <span class="{job.Status}">{job.Status}</span>. {E(job.Name)}, submitted {Time(job.SubmissionTime)}, duration {Duration(job.SubmissionTime, job.CompletionTime ?? app.LastUpdated)}.</p>
            {error}
            <h2>DAG</h2>
            {DagSvg.Render(stages)}
            <h2>Stages</h2>
            {Table("stages", StageHeaders, rows)}
            """;
        return Page($"Job {jobId}", prefix, app.Id, body);
    }

    public static string Stages(AppModel app, string prefix)
    {
        var rows = app.Stages.Values.Reverse().SelectMany(a => a.Values.Reverse())
            .Select(s => StageRow(app, prefix, s.StageId, s, null));
        return Page("Stages", prefix, app.Id, Table("stages", StageHeaders, rows));
    }

    public static string? Stage(AppModel app, string prefix, int stageId, int? attempt)
    {
        if (!app.Stages.TryGetValue(stageId, out var attempts))
        {
            return null;
        }

        var stage = attempt is { } a ? attempts.GetValueOrDefault(a) : attempts.Values.Last();
        if (stage is null)
        {
            return null;
        }

        var tasks = stage.Tasks.Values.ToList();
        var done = tasks.Where(t => t.Status == "SUCCESS").ToList();
        var summary = done.Count == 0 ? "<p>No task has succeeded yet.</p>" : Table("summary",
            ["Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"],
            new (string Name, Func<TaskModel, double> Value, Func<double, string> Format)[]
            {
                ("Duration", t => t.Duration, Duration),
                ("Scheduler delay", t => t.SchedulerDelay, Duration),
                ("GC time", t => t.GcTime, Duration),
                ("Input", t => t.BytesRead, Bytes),
                ("Shuffle read", t => t.ShuffleReadBytes, Bytes),
                ("Shuffle write", t => t.ShuffleWriteBytes, Bytes),
                ("Spill (disk)", t => t.SpillBytes, Bytes),
                ("Peak execution memory", t => t.PeakExecutionMemory, Bytes),
            }.Select(m => (IReadOnlyList<string>)
                [E(m.Name), .. Quantiles.Of(done.Select(m.Value), Quantiles.Default).Select(v => $"<span class=\"num\">{m.Format(v)}</span>")]));
        var taskRows = tasks.Select(t => (IReadOnlyList<string>)
        [
            t.Partition.ToString(CultureInfo.InvariantCulture), t.TaskId.ToString(CultureInfo.InvariantCulture),
            t.Attempt.ToString(CultureInfo.InvariantCulture), $"<span class=\"{t.Status}\">{t.Status}</span>", E(t.ExecutorId),
            Time(t.LaunchTime), t.IsFinished ? Duration(t.Duration) : "", Duration(t.GcTime), Bytes(t.ShuffleReadBytes),
            Bytes(t.ShuffleWriteBytes), Bytes(t.SpillBytes), E(t.ErrorMessage),
        ]);
        var rdds = string.Join("", stage.Description.Rdds.Select(r => $"<li>{E(r.Label)} ({r.NumPartitions} partitions{(r.IsPersisted ? ", " + E(r.StorageLevel) : "")}) at {E(r.CallSite)}</li>"));
        var attemptLinks = attempts.Count < 2 ? "" : "<p>Attempts: " + string.Join(" ", attempts.Keys.Select(k =>
            $"<a href=\"{prefix}/stages/stage/?id={stageId}&amp;attempt={k}\">{k}</a>")) + "</p>";
        var body = $"""
            <p>Status: <span class="{stage.Status}">{stage.Status}</span>, attempt {stage.Attempt}, {stage.NumTasks} tasks, submitted {Time(stage.SubmissionTime)}, duration {Duration(stage.SubmissionTime, stage.CompletionTime)}. {E(stage.FailureReason)}</p>
            {attemptLinks}
            <ul>{rdds}</ul>
            <h2>Summary metrics for {done.Count} completed tasks</h2>
            {summary}
            <h2>Event timeline</h2>
            {TaskTimeline.Render(tasks, app.LastUpdated)}
            <h2>Tasks ({tasks.Count})</h2>
            {Table("tasks", ["Index", "Task Id", "Attempt", "Status", "Executor", "Launch Time", "Duration", "GC Time", "Shuffle Read", "Shuffle Write", "Spill (disk)", "Error"], taskRows)}
            """;
        return Page($"Stage {stageId} (attempt {stage.Attempt})", prefix, app.Id, body);
    }

    public static string Executors(AppModel app, string prefix)
    {
        var rows = app.Executors.Values.Select(e => (IReadOnlyList<string>)
        [
            E(e.ExecutorId), E(e.Host), e.IsActive ? "Active" : "Removed: " + E(e.RemoveReason), e.Cores.ToString(CultureInfo.InvariantCulture),
            e.CompletedTasks.ToString(CultureInfo.InvariantCulture), e.FailedTasks.ToString(CultureInfo.InvariantCulture),
            Duration(e.TotalDuration), Duration(e.TotalGcTime), Bytes(e.TotalInputBytes), Bytes(e.TotalShuffleRead), Bytes(e.TotalShuffleWrite),
            Time(e.AddTime),
        ]);
        return Page("Executors", prefix, app.Id, Table("executors",
            ["Executor ID", "Host", "Status", "Cores", "Complete Tasks", "Failed Tasks", "Task Time", "GC Time", "Input", "Shuffle Read", "Shuffle Write", "Added"], rows));
    }

    public static string Storage(AppModel app, string prefix)
    {
        var rows = app.CachedRdds.Values.Where(r => r.CachedPartitions.Count > 0).Select(r => (IReadOnlyList<string>)
        [
            r.Rdd.RddId.ToString(CultureInfo.InvariantCulture), E(r.Rdd.Label), E(r.Rdd.StorageLevel),
            $"{r.CachedPartitions.Count} / {r.Rdd.NumPartitions}", E(r.Rdd.CallSite),
        ]);
        return Page("Storage", prefix, app.Id,
            "<p>Persisted RDDs and the partitions tasks have computed (evictions are not recorded).</p>" +
            Table("rdds", ["RDD Id", "Name", "Storage Level", "Cached Partitions", "Created at"], rows));
    }

    private static readonly string[] StageHeaders =
        ["Stage Id", "Attempt", "Description", "Submitted", "Duration", "Status", "Tasks: Succeeded/Total", "Shuffle Read", "Shuffle Write", "Spill (disk)"];

    private static IReadOnlyList<string> JobRow(AppModel app, string prefix, JobModel job)
    {
        var stageIds = job.StageIds.Where(id => !job.SkippedStageIds.Contains(id)).ToList();
        var completedStages = stageIds.Count(id => app.LatestAttempt(id)?.Status == "COMPLETE");
        var tasks = stageIds.Sum(id => app.StageDescriptions.TryGetValue(id, out var d) ? d.NumTasks : 0);
        var succeeded = app.TasksOfJob(job.JobId).Count(t => t.Status == "SUCCESS");
        var skipped = job.SkippedStageIds.Count == 0 ? "" : $" ({job.SkippedStageIds.Count} skipped)";
        return
        [
            $"<a href=\"{prefix}/jobs/job/?id={job.JobId}\">{job.JobId}</a>",
            $"<a href=\"{prefix}/jobs/job/?id={job.JobId}\">{E(job.Name)}</a>",
            Time(job.SubmissionTime), Duration(job.SubmissionTime, job.CompletionTime ?? app.LastUpdated),
            $"<span class=\"{job.Status}\">{job.Status}</span>",
            $"{completedStages}/{stageIds.Count}{skipped}", $"{succeeded}/{tasks}",
        ];
    }

    private static IReadOnlyList<string> StageRow(AppModel app, string prefix, int stageId, StageModel? stage, JobModel? job)
    {
        var description = stage?.Description ?? app.StageDescriptions[stageId];
        var status = job is null ? stage?.Status ?? "PENDING" : StageStatus(app, job, stageId);
        var link = stage is null || status == "SKIPPED" ? stageId.ToString(CultureInfo.InvariantCulture)
            : $"<a href=\"{prefix}/stages/stage/?id={stageId}&amp;attempt={stage.Attempt}\">{stageId}</a>";
        var done = stage?.Tasks.Values.Where(t => t.Status == "SUCCESS").ToList() ?? [];
        return
        [
            link, stage?.Attempt.ToString(CultureInfo.InvariantCulture) ?? "", E(description.Name),
            Time(stage?.SubmissionTime), Duration(stage?.SubmissionTime, stage?.CompletionTime),
            $"<span class=\"{status}\">{status}</span>", $"{done.Count}/{stage?.NumTasks ?? description.NumTasks}",
            Bytes(done.Sum(t => t.ShuffleReadBytes)), Bytes(done.Sum(t => t.ShuffleWriteBytes)), Bytes(done.Sum(t => t.SpillBytes)),
        ];
    }

    /// <summary>A stage's status as a job sees it: skipped when this job reused its output.</summary>
    private static string StageStatus(AppModel app, JobModel job, int stageId) =>
        job.SkippedStageIds.Contains(stageId) ? "SKIPPED" : app.LatestAttempt(stageId)?.Status ?? "PENDING";
}
