using System.Net;
using System.Text.RegularExpressions;

namespace Dataflow.Ui.Tests;

/// <summary>The JSON API and pages of a live driver UI, after the three jobs of <see cref="LiveJob"/>.</summary>
public sealed partial class LiveUiApiTests : IAsyncLifetime
{
    private LiveJob _job = null!;

    private string App => $"/api/v1/applications/{_job.Context.ApplicationId}";

    public async ValueTask InitializeAsync() => _job = await LiveJob.RunAsync();

    public async ValueTask DisposeAsync() => await _job.DisposeAsync();

    [Fact]
    public async Task Applications_ListsTheRunningApplication()
    {
        var apps = await _job.Http.GetJsonAsync("/api/v1/applications");

        var app = Assert.Single(apps.Items());
        Assert.Equal(_job.Context.ApplicationId, app.Str("id"));
        var attempt = Assert.Single(app.GetProperty("attempts").Items());
        Assert.False(attempt.GetProperty("completed").GetBoolean());
        Assert.Equal(Environment.UserName, attempt.Str("sparkUser"));
        Assert.Equal(-1, attempt.Long("endTimeEpoch"));
    }

    [Fact]
    public async Task Jobs_CountStagesAndTasksOfEachJob_SkippedMapStageInTheSecond()
    {
        var jobs = (await _job.Http.GetJsonAsync(App + "/jobs")).Items().ToList();

        Assert.Equal([2, 1, 0], jobs.Select(j => j.Int("jobId")));
        Assert.All(jobs, j => Assert.Equal("SUCCEEDED", j.Str("status")));
        var first = jobs[2];
        Assert.Equal(7, first.Int("numTasks"));
        Assert.Equal(7, first.Int("numCompletedTasks"));
        Assert.Equal(2, first.Int("numCompletedStages"));
        Assert.Equal(0, first.Int("numSkippedStages"));
        Assert.StartsWith("ToListAsync at LiveJob.cs:", first.Str("name"));
        var second = jobs[1];
        Assert.Equal(1, second.Int("numSkippedStages"));
        Assert.Equal(4, second.Int("numSkippedTasks"));
        Assert.Equal(3, second.Int("numTasks"));
        Assert.Equal(3, second.Int("numCompletedTasks"));
        Assert.Equal(1, second.Int("numCompletedStages"));
        Assert.Equal(4, jobs[0].Int("numCompletedTasks"));
    }

    [Fact]
    public async Task Stages_MapStageWritesAndResultStageReadsTheShuffle()
    {
        var stages = (await _job.Http.GetJsonAsync(App + "/stages")).Items().ToDictionary(s => (s.Int("stageId"), s.Int("attemptId")));

        var map = stages[(0, 0)];
        var reduce = stages[(1, 0)];
        Assert.Equal("COMPLETE", map.Str("status"));
        Assert.Equal(4, map.Int("numTasks"));
        Assert.Equal(4, map.Int("numCompleteTasks"));
        Assert.True(map.Long("shuffleWriteBytes") > 0);
        Assert.Equal(100, map.Long("inputRecords"));
        // 4 map tasks each combine their 25 numbers into the 5 keys.
        Assert.Equal(20, map.Long("shuffleWriteRecords"));
        Assert.Equal(0, map.Int("shuffleId"));
        Assert.Equal(20, reduce.Long("shuffleReadRecords"));
        Assert.True(reduce.Long("shuffleReadBytes") > 0);
        Assert.Equal([0], reduce.GetProperty("parentStageIds").Items().Select(p => p.GetInt32()));
        // The second job reused map stage 0 (skipped there) and ran a new result stage, 2, reading shuffle 0.
        Assert.Equal([0, 1, 2, 3], stages.Keys.Select(k => k.Item1).Order());
        Assert.Equal(20, stages[(2, 0)].Long("shuffleReadRecords"));
        Assert.Equal([0], stages[(2, 0)].GetProperty("parentStageIds").Items().Select(p => p.GetInt32()));
    }

    [Fact]
    public async Task StageTasks_OnePerPartition_SummaryQuantilesAreThoseOfTheTaskDurations()
    {
        var tasks = (await _job.Http.GetJsonAsync(App + "/stages/0/tasks")).Items().ToList();
        var summary = await _job.Http.GetJsonAsync(App + "/stages/0/0/taskSummary");

        Assert.Equal([0, 1, 2, 3], tasks.Select(t => t.Int("index")).Order());
        Assert.All(tasks, t => Assert.Equal("SUCCESS", t.Str("status")));
        Assert.All(tasks, t => Assert.Equal("driver", t.Str("executorId")));
        Assert.All(tasks, t => Assert.Equal(25, t.GetProperty("taskMetrics").GetProperty("inputMetrics").Long("recordsRead")));
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], summary.GetProperty("quantiles").Items().Select(q => q.GetDouble()));
        // Reference: Spark's rule, the ⌊q·n⌋-th (capped at n − 1) of the sorted values, over the task list's own numbers.
        var writes = tasks.Select(t => (double)t.GetProperty("taskMetrics").GetProperty("shuffleWriteMetrics").Long("bytesWritten")).Order().ToArray();
        Assert.Equal(new[] { writes[0], writes[1], writes[2], writes[3], writes[3] },
            summary.GetProperty("shuffleWriteMetrics").GetProperty("writeBytes").Items().Select(v => v.GetDouble()));
        Assert.All(writes, w => Assert.True(w > 0));
    }

    [Fact]
    public async Task Executors_TheDriverRanEveryTask()
    {
        var executor = Assert.Single((await _job.Http.GetJsonAsync(App + "/executors")).Items());

        Assert.Equal("driver", executor.Str("id"));
        Assert.Equal(2, executor.Int("totalCores"));
        Assert.True(executor.GetProperty("isActive").GetBoolean());
        Assert.Equal(4 + 3 + 3 + 4, executor.Int("completedTasks"));
        Assert.Equal(0, executor.Int("failedTasks"));
    }

    [Fact]
    public async Task StorageRdd_ListsTheCachedRddWithAllItsPartitions()
    {
        var rdd = Assert.Single((await _job.Http.GetJsonAsync(App + "/storage/rdd")).Items());

        Assert.Equal("MemoryOnly", rdd.Str("storageLevel"));
        Assert.Equal(4, rdd.Int("numPartitions"));
        Assert.Equal(4, rdd.Int("numCachedPartitions"));
        Assert.Contains("LiveJob.cs:", rdd.Str("callSite"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownApplicationOrStage_Is404WithAMessage()
    {
        using var app = await _job.Http.GetResponseAsync("/api/v1/applications/app-nope/jobs");
        using var stage = await _job.Http.GetResponseAsync(App + "/stages/99/tasks");

        Assert.Equal(HttpStatusCode.NotFound, app.StatusCode);
        Assert.Contains("unknown application app-nope", await app.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, stage.StatusCode);
        Assert.Contains("unknown stage 99", await stage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobPage_DagHasOneElementPerStageAndOneEdgePerShuffle()
    {
        var first = await _job.Http.GetTextAsync("/jobs/job/?id=0");
        var second = await _job.Http.GetTextAsync("/jobs/job/?id=1");

        Assert.Equal(["0", "1"], StageIds().Matches(first).Select(m => m.Groups[1].Value));
        Assert.Equal(["0"], ShuffleIds().Matches(first).Select(m => m.Groups[1].Value));
        Assert.Contains("ReduceByKey at LiveJob.cs:", first, StringComparison.Ordinal);
        Assert.Contains("Parallelize at LiveJob.cs:", first, StringComparison.Ordinal);
        Assert.Equal(["0", "2"], StageIds().Matches(second).Select(m => m.Groups[1].Value));
        Assert.Contains("data-stage-id=\"0\" data-status=\"SKIPPED\"", second, StringComparison.Ordinal);
        Assert.Contains("data-stage-id=\"2\" data-status=\"COMPLETE\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_JobsStageExecutorsStorage_Render()
    {
        var jobs = await _job.Http.GetTextAsync("/jobs/");
        var stage = await _job.Http.GetTextAsync("/stages/stage/?id=0&attempt=0");
        var executors = await _job.Http.GetTextAsync("/executors/");
        var storage = await _job.Http.GetTextAsync("/storage/");
        using var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _job.Ui.Url }.GetResponseAsync("/");

        Assert.Equal(3, Regex.Count(jobs, "<a href=\"/jobs/job/\\?id=\\d\">\\d</a>"));
        Assert.Contains("<table id=\"summary\">", stage, StringComparison.Ordinal);
        Assert.Contains("GC time", stage, StringComparison.Ordinal);
        Assert.Contains("Spill (disk)", stage, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(stage, "<rect class=\"task\""));
        Assert.Contains("<td>driver</td>", executors, StringComparison.Ordinal);
        Assert.Contains("4 / 4", storage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/jobs/", redirect.Headers.Location?.ToString());
    }

    [GeneratedRegex("data-stage-id=\"(\\d+)\"")]
    private static partial Regex StageIds();

    [GeneratedRegex("data-shuffle-id=\"(\\d+)\"")]
    private static partial Regex ShuffleIds();
}
