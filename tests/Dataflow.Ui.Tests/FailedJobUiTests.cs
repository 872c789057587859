using Dataflow.Configuration;

namespace Dataflow.Ui.Tests;

/// <summary>A job whose task keeps failing, as the live UI reports it.</summary>
public sealed class FailedJobUiTests
{
    [Fact]
    public async Task FailingTask_JobStageAndAttemptsAreFailed_WithTheCause()
    {
        await using var ui = await DriverUi.StartAsync(new UiOptions { Port = 0, ConsoleProgress = false }, TextWriter.Null, "test",
            TestContext.Current.CancellationToken);
        var options = new DataflowOptions { Master = "local[2]" };
        options.Scheduler.MaxTaskFailures = 2;
        await using var context = new DataflowContext(options, listeners: ui.Listeners);
        await Assert.ThrowsAsync<JobFailedException>(() => context.Parallelize([1, 2, 3], 3)
            .Select(x => x == 2 ? throw new InvalidOperationException("boom") : x).ToListAsync(TestContext.Current.CancellationToken));
        await context.Listeners.FlushAsync();
        using var http = new HttpClient { BaseAddress = ui.Url };
        var app = $"/api/v1/applications/{context.ApplicationId}";

        var job = await http.GetJsonAsync(app + "/jobs/0");
        var stage = Assert.Single((await http.GetJsonAsync(app + "/stages/0")).Items());
        var failed = (await http.GetJsonAsync(app + "/stages/0/tasks")).Items().Where(t => t.Str("status") == "FAILED").ToList();
        var jobsPage = await http.GetTextAsync("/jobs/");

        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal(2, job.Int("numFailedTasks"));
        Assert.Contains("boom", job.Str("errorMessage"), StringComparison.Ordinal);
        Assert.Equal("FAILED", stage.Str("status"));
        Assert.Equal([0, 1], failed.Select(t => t.Int("attempt")));
        Assert.All(failed, t => Assert.Equal(1, t.Int("index")));
        Assert.All(failed, t => Assert.Equal("InvalidOperationException: boom", t.Str("errorMessage")));
        Assert.Contains("<span class=\"FAILED\">FAILED</span>", jobsPage, StringComparison.Ordinal);
    }
}
