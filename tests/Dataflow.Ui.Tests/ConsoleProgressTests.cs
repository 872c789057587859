using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Ui.Progress;
using Spectre.Console.Testing;

namespace Dataflow.Ui.Tests;

/// <summary>The live stage lines, through an injected console.</summary>
public sealed class ConsoleProgressTests
{
    private static readonly DateTimeOffset s_time = DateTimeOffset.UnixEpoch;

    private static StageInfo Stage(int id, int tasks) => new(id, 0, CallSite.Internal("Select"), tasks, null, []);

    private static TaskInfo Task(long taskId, int stage, int partition) => new(taskId, 0, stage, 0, partition, 0);

    /// <summary>Stage 3 of 40 tasks with 12 succeeded and 2 running; stage 4 of 8 tasks with 1 running.</summary>
    private static void Feed(ConsoleProgress progress)
    {
        progress.OnEvent(new StageSubmittedEvent(s_time, 0, Stage(3, 40)));
        progress.OnEvent(new StageSubmittedEvent(s_time, 0, Stage(4, 8)));
        for (var i = 0; i < 14; i++)
        {
            progress.OnEvent(new TaskStartEvent(s_time, Task(i, 3, i)));
        }

        for (var i = 0; i < 12; i++)
        {
            progress.OnEvent(new TaskEndEvent(s_time, Task(i, 3, i), "driver", null, new TaskMetrics()));
        }

        progress.OnEvent(new TaskStartEvent(s_time, Task(100, 4, 0)));
    }

    [Theory]
    [InlineData(3, 12, 2, 40, "[Stage 3: =========>                     (12 + 2) / 40]")]
    [InlineData(0, 0, 2, 4, "[Stage 0: >                              (0 + 2) / 4]")]
    [InlineData(7, 5, 0, 5, "[Stage 7: ============================== (5 + 0) / 5]")]
    public void Line_IsSparksFormat(int stage, int succeeded, int running, int total, string expected) =>
        Assert.Equal(expected, ConsoleProgress.Line(stage, succeeded, running, total));

    [Fact]
    public async Task Render_OneLinePerRunningStage_CompletedStagesLeave()
    {
        var console = new TestConsole().Interactive().Width(120);
        await using var progress = new ConsoleProgress(console, TimeSpan.FromHours(1));

        Feed(progress);
        var both = progress.Render();
        progress.OnEvent(new StageCompletedEvent(s_time, 0, Stage(3, 40), new TaskMetrics(), null));

        Assert.Equal(ConsoleProgress.Line(3, 12, 2, 40) + "\n" + ConsoleProgress.Line(4, 0, 1, 8), both);
        Assert.Equal(ConsoleProgress.Line(4, 0, 1, 8), progress.Render());
    }

    [Fact]
    public async Task Console_ShowsTheLinesOfTheRunningStages()
    {
        var console = new TestConsole().Interactive().Width(120);
        var progress = new ConsoleProgress(console, TimeSpan.FromHours(1));

        Feed(progress);
        await progress.DisposeAsync();

        // Drawn once more when it stops; the live display then clears its lines.
        Assert.Contains("[Stage 3: =========>                     (12 + 2) / 40]", console.Output, StringComparison.Ordinal);
        Assert.Contains("[Stage 4: >                              (0 + 1) / 8]", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealJob_LeavesNoLineBehind()
    {
        var console = new TestConsole().Interactive().Width(120);
        var progress = new ConsoleProgress(console, TimeSpan.FromMilliseconds(50));
        await using (var context = new DataflowContext(new Configuration.DataflowOptions { Master = "local[2]" }, listeners: [progress]))
        {
            Assert.Equal(5, (await context.Parallelize(Enumerable.Range(0, 50), 4).Select(x => (x % 5, x)).ReduceByKey((a, b) => a + b, 2)
                .ToListAsync(TestContext.Current.CancellationToken)).Count);
            await context.Listeners.FlushAsync();
            Assert.Equal("", progress.Render());
        }

        await progress.DisposeAsync();
    }

    [Fact]
    public void StandardError_Redirected_NoProgress()
    {
        // The test host redirects standard error, as a pipe or a file would.
        Assert.True(Console.IsErrorRedirected);
        Assert.Null(ConsoleProgress.CreateForStandardError());
    }
}
