using System.Text.Json;

using Dataflow.Ui.History;

namespace Dataflow.Ui.Tests;

/// <summary>
/// The history server on an event-log directory holding a finished application (the jobs of <see cref="LiveJob"/>)
/// and a running one: the same API answers as the live UI gave, and the running one is followed until it ends.
/// </summary>
public sealed class HistoryServerTests : IDisposable
{
    private readonly string _events = Directory.CreateTempSubdirectory("ui-history-").FullName;

    public void Dispose() => Directory.Delete(_events, recursive: true);

    [Fact]
    public async Task History_ServesFinishedAndRunningApplications_SameAnswersAsTheLiveUi()
    {
        var cancel = TestContext.Current.CancellationToken;
        string finishedId, liveJobs, liveStages, liveTasks, liveExecutors;
        await using (var job = await LiveJob.RunAsync(_events))
        {
            finishedId = job.Context.ApplicationId;
            var app = $"/api/v1/applications/{finishedId}";
            liveJobs = await job.Http.GetTextAsync(app + "/jobs");
            liveStages = await job.Http.GetTextAsync(app + "/stages");
            liveTasks = await job.Http.GetTextAsync(app + "/stages/0/0/taskList");
            liveExecutors = await job.Http.GetTextAsync(app + "/executors");
        }

        var options = new Configuration.DataflowOptions { Master = "local[2]" };
        options.EventLog.Directory = _events;
        var running = new DataflowContext(options);
        try
        {
            Assert.Equal(10, await running.Parallelize(Enumerable.Range(0, 10), 2).CountAsync(cancel));
            await running.Listeners.FlushAsync();
            Assert.True(File.Exists(Path.Combine(_events, running.ApplicationId + ".jsonl.inprogress")));

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stderr = new StringWriter();
            var server = HistoryCommand.RunAsync([_events, "--port", "0"], TextWriter.Null, stderr, started: started.SetResult, cancellationToken: stop.Token);
            var url = await started.Task.WaitAsync(cancel);
            using var http = new HttpClient { BaseAddress = url };

            var apps = (await http.GetJsonAsync("/api/v1/applications")).Items()
                .ToDictionary(a => a.Str("id"), a => a.GetProperty("attempts")[0].GetProperty("completed").GetBoolean());
            Assert.Equal(new Dictionary<string, bool> { [finishedId] = true, [running.ApplicationId] = false }, apps);
            var app = $"/api/v1/applications/{finishedId}";
            Assert.Equal(liveJobs, await http.GetTextAsync(app + "/jobs"));
            Assert.Equal(liveStages, await http.GetTextAsync(app + "/stages"));
            Assert.Equal(liveTasks, await http.GetTextAsync(app + "/stages/0/0/taskList"));
            Assert.Equal(liveExecutors, await http.GetTextAsync(app + "/executors"));
            var runningJob = Assert.Single((await http.GetJsonAsync($"/api/v1/applications/{running.ApplicationId}/jobs")).Items());
            Assert.Equal(2, runningJob.Int("numCompletedTasks"));

            var list = await http.GetTextAsync("/");
            Assert.Contains($"<a href=\"/history/{finishedId}/jobs/\">{finishedId}</a>", list, StringComparison.Ordinal);
            Assert.Contains($"<a href=\"/history/{running.ApplicationId}/jobs/\">", list, StringComparison.Ordinal);
            var jobsPage = await http.GetTextAsync($"/history/{finishedId}/jobs/");
            Assert.Contains($"<a href=\"/history/{finishedId}/jobs/job/?id=2\">2</a>", jobsPage, StringComparison.Ordinal);
            var jobPage = await http.GetTextAsync($"/history/{finishedId}/jobs/job/?id=0");
            Assert.Equal(2, jobPage.Split("data-stage-id=").Length - 1);

            await running.DisposeAsync();
            var ended = Assert.Single((await http.GetJsonAsync("/api/v1/applications")).Items(), a => a.Str("id") == running.ApplicationId);
            Assert.True(ended.GetProperty("attempts")[0].GetProperty("completed").GetBoolean());

            await stop.CancelAsync();
            Assert.Equal(0, await server);
            Assert.Contains($"history: serving {_events} at {url}", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await running.DisposeAsync();
        }
    }

    [Fact]
    public async Task History_MissingDirectory_IsAUsageErrorNamingIt()
    {
        var missing = Path.Combine(_events, "nope");
        var stderr = new StringWriter();

        var code = await HistoryCommand.RunAsync([missing], TextWriter.Null, stderr, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.Equal($"history: Event-log directory '{missing}' does not exist; give the directory the drivers' --event-log wrote to.\n",
            stderr.ToString());
    }

    [Fact]
    public void EventLogFile_HalfWrittenLastLine_IsLeftForTheNextRead()
    {
        var path = Path.Combine(_events, "app-1.jsonl.inprogress");
        File.WriteAllText(path,
            "{\"event\":\"ApplicationStart\",\"time\":1000,\"appId\":\"app-1\",\"appName\":\"a\",\"master\":\"local\",\"user\":\"u\"}\n" +
            "{\"event\":\"ExecutorAdded\",\"time\":1001,\"executorId\":\"driver\",\"host\":\"h\",\"cores\":2}\n" +
            "{\"event\":\"JobStart\",\"time\":10");

        var app = EventLogFile.Read(path);

        Assert.Equal("app-1", app.Id);
        Assert.Equal(["driver"], app.Executors.Keys);
        Assert.Empty(app.Jobs);
        Assert.False(app.Completed);
    }

    [Fact]
    public void EventLogFile_DamagedLine_NamesFileAndLine()
    {
        var path = Path.Combine(_events, "app-2.jsonl");
        File.WriteAllText(path,
            "{\"event\":\"ApplicationStart\",\"time\":1000,\"appId\":\"app-2\",\"appName\":\"a\",\"master\":\"local\",\"user\":\"u\"}\n" +
            "{\"event\":\"ExecutorAdded\",\"time\":1001}\n");

        var e = Assert.Throws<FormatException>(() => EventLogFile.Read(path));

        Assert.StartsWith($"{path}:2: not an event-log record (event-log record has no 'executorId' field)", e.Message);
    }

    [Fact]
    public void EventLogFile_NotJson_NamesFileAndLine()
    {
        var path = Path.Combine(_events, "app-3.jsonl");
        File.WriteAllText(path, "hello\n");

        var e = Assert.Throws<FormatException>(() => EventLogFile.Read(path));

        Assert.StartsWith($"{path}:1: not an event-log record", e.Message);
        Assert.IsAssignableFrom<JsonException>(e.InnerException);
    }
}
