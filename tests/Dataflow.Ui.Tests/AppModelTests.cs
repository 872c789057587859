using System.Text.Json;
using Dataflow.Ui.Api;
using Dataflow.Ui.Model;

namespace Dataflow.Ui.Tests;

/// <summary>The model from hand-written event-log records (the schema of the engine's EventLog.md).</summary>
public sealed class AppModelTests
{
    private static AppModel Apply(params string[] records) => ApplyTo(new AppModel(), records);

    private static AppModel ApplyTo(AppModel model, IEnumerable<string> records)
    {
        foreach (var record in records)
        {
            using var document = JsonDocument.Parse(record);
            model.Apply(document.RootElement);
        }

        return model;
    }

    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    private static JsonElement View(object view) => JsonSerializer.SerializeToElement(view, s_web);

    [Fact]
    public void ExecutorRemoved_IsInactiveWithItsReason_TasksCountPerExecutor()
    {
        var model = Apply(
            """{"event":"ApplicationStart","time":1000,"appId":"app-1","appName":"a","master":"orleans://h:1","user":"u"}""",
            """{"event":"ExecutorAdded","time":1001,"executorId":"w1","host":"h1","cores":2}""",
            """{"event":"ExecutorAdded","time":1002,"executorId":"w2","host":"h2","cores":4}""",
            """{"event":"JobStart","time":1010,"jobId":0,"callSite":{"operation":"CountAsync","file":"","line":0,"text":"CountAsync"},"stageIds":[0],"stages":[{"stageId":0,"attempt":0,"callSite":{"operation":"CountAsync","file":"","line":0,"text":"CountAsync"},"numTasks":1,"shuffleId":null,"parentStageIds":[]}]}""",
            """{"event":"StageSubmitted","time":1011,"jobId":0,"stage":{"stageId":0,"attempt":0,"callSite":{"operation":"CountAsync","file":"","line":0,"text":"CountAsync"},"numTasks":1,"shuffleId":null,"parentStageIds":[],"rdds":[]}}""",
            """{"event":"TaskStart","time":1012,"taskId":7,"jobId":0,"stageId":0,"stageAttempt":0,"partition":0,"attempt":0}""",
            """{"event":"ExecutorRemoved","time":1500,"executorId":"w2","reason":"it left the cluster"}""",
            """{"event":"TaskEnd","time":1600,"taskId":7,"jobId":0,"stageId":0,"stageAttempt":0,"partition":0,"attempt":0,"executorId":"w2","succeeded":false,"failureReason":"ExecutorLostException: executor w2 was lost","duration":588,"schedulerDelay":88,"deserializeTime":0,"computeTime":500,"gcTime":3,"recordsRead":0,"bytesRead":0,"recordsWritten":0,"bytesWritten":0,"shuffleReadRecords":0,"shuffleReadBytes":0,"shuffleRemoteReadBytes":0,"shuffleWriteRecords":0,"shuffleWriteBytes":0,"spillBytes":0,"peakExecutionMemory":0}""");

        var all = model.Executors.Values.ToDictionary(e => e.ExecutorId, e => View(ApiViews.Executor(model, e)));
        var task = View(ApiViews.Task(model, model.Stages[0][0].Tasks[7]));

        Assert.True(all["w1"].GetProperty("isActive").GetBoolean());
        Assert.False(all["w2"].GetProperty("isActive").GetBoolean());
        Assert.Equal("it left the cluster", all["w2"].Str("removeReason"));
        Assert.Equal("1970-01-01T00:00:01.500GMT", all["w2"].Str("removeTime"));
        Assert.Equal(1, all["w2"].Int("failedTasks"));
        Assert.Equal(588, all["w2"].Long("totalDuration"));
        Assert.Equal("FAILED", task.Str("status"));
        Assert.Equal("h2", task.Str("host"));
        Assert.Equal(588, task.Long("duration"));
        Assert.Equal(88, task.Long("schedulerDelay"));
        Assert.Equal(500, task.GetProperty("taskMetrics").Long("executorRunTime"));
        Assert.Equal("ExecutorLostException: executor w2 was lost", task.Str("errorMessage"));
    }

    [Fact]
    public void UnknownEvent_IsIgnored_MissingField_NamesIt()
    {
        var model = Apply("""{"event":"SomethingNew","time":5,"x":1}""");
        var e = Assert.Throws<FormatException>(() => Apply("""{"event":"JobEnd","time":5}"""));

        Assert.Empty(model.Jobs);
        Assert.Equal("event-log record has no 'jobId' field", e.Message);
    }

    private static string Stage(int stageId) =>
        $$"""{"stageId":{{stageId}},"attempt":0,"callSite":{"operation":"CountAsync","file":"","line":0,"text":"CountAsync"},"numTasks":1,"shuffleId":null,"parentStageIds":[]""";

    /// <summary>Job <paramref name="jobId"/> runs stage <paramref name="stageId"/> (task id = job id), or skips it.</summary>
    private static IEnumerable<string> Job(int jobId, int stageId, bool skip = false, bool end = true)
    {
        var time = 2000 + (jobId * 10);
        yield return $$"""{"event":"JobStart","time":{{time}},"jobId":{{jobId}},"callSite":{"operation":"CountAsync","file":"","line":0,"text":"CountAsync"},"stageIds":[{{stageId}}],"stages":[""" + Stage(stageId) + "}]}";
        if (skip)
        {
            yield return $$"""{"event":"StageSkipped","time":{{time + 1}},"jobId":{{jobId}},"stage":""" + Stage(stageId) + ""","rdds":[]}}""";
        }
        else
        {
            yield return $$"""{"event":"StageSubmitted","time":{{time + 1}},"jobId":{{jobId}},"stage":""" + Stage(stageId) + ""","rdds":[]}}""";
            yield return $$"""{"event":"TaskStart","time":{{time + 2}},"taskId":{{jobId}},"jobId":{{jobId}},"stageId":{{stageId}},"stageAttempt":0,"partition":0,"attempt":0}""";
        }

        if (end)
        {
            yield return $$"""{"event":"JobEnd","time":{{time + 5}},"jobId":{{jobId}},"succeeded":true}""";
        }
    }

    [Fact]
    public void RetainedJobs_DropsTheOldestFinished_KeepsRunningJobsAndStagesStillReferred()
    {
        var model = new AppModel(retainedJobs: 10);
        // Job 0 never ends; job 1's stage 1 is skipped (reused) by the last job, 24.
        ApplyTo(model, Job(0, 0, end: false));
        for (var job = 1; job < 24; job++)
        {
            ApplyTo(model, Job(job, job));
        }

        ApplyTo(model, Job(24, 1, skip: true));

        // 24 finished jobs, never more than 10 kept: 1–14 dropped, 15–24 kept, and the running job 0.
        Assert.Equal([0, .. Enumerable.Range(15, 10)], model.Jobs.Keys);
        Assert.Equal([0, 1, .. Enumerable.Range(15, 9)], model.Stages.Keys);
        Assert.True(model.StageDescriptions.ContainsKey(1));
        Assert.False(model.StageDescriptions.ContainsKey(2));
        Assert.Single(model.Stages[0][0].Tasks);
        Assert.Single(model.TasksOfJob(16));
        Assert.Equal(1, View(ApiViews.Job(model, model.Jobs[24])).Int("numSkippedStages"));
    }
}
