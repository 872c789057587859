using Dataflow.Configuration;
using Dataflow.Diagnostics;
using Dataflow.Execution;
using Microsoft.Extensions.Logging;

namespace Dataflow.Tests.Diagnostics;

public sealed class DriverLogTests
{
    private static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void StderrLogger_WritesOneLinePerMessageAtTheLevelAndAbove()
    {
        var output = new StringWriter();
        using var factory = new StderrLoggerFactory("Prog", LogLevel.Warning, output);
        var logger = factory.CreateLogger("Dataflow.Scheduling.DagScheduler");

        logger.LogInformation("not shown");
        logger.LogWarning("two\nlines");
        logger.LogError(new InvalidOperationException("boom"), "failed");

        Assert.Equal(["Prog: warning: two lines", "Prog: error: failed (InvalidOperationException: boom)"], Lines(output));
    }

    [Fact]
    public void StderrLogger_OtherLibrariesOnlyBelowWarning()
    {
        var quiet = new StringWriter();
        using (var factory = new StderrLoggerFactory("Prog", LogLevel.Warning, quiet))
        {
            factory.CreateLogger("Orleans.Messaging.GatewayManager").LogError("gateway retry");
            factory.CreateLogger("Dataflow.Cluster.Driver.OrleansBackend").LogWarning("executor lost");
        }

        Assert.Equal(["Prog: warning: executor lost"], Lines(quiet));

        var verbose = new StringWriter();
        using (var factory = new StderrLoggerFactory("Prog", LogLevel.Information, verbose))
        {
            factory.CreateLogger("Orleans.Messaging.GatewayManager").LogInformation("connected");
            factory.CreateLogger("Orleans.Messaging.GatewayManager").LogDebug("hidden");
        }

        Assert.Equal(["Prog: info: connected"], Lines(verbose));
    }

    [Fact]
    public async Task FailingThenSucceedingTask_LogsTheRetryWithStagePartitionAttemptAndCause()
    {
        var output = new StringWriter();
        using var factory = new StderrLoggerFactory("Prog", LogLevel.Warning, output);
        await using (var ctx = new DataflowContext(new DataflowOptions { Master = "local[1]" }, factory))
        {
            var values = await ctx.Parallelize([1, 2, 3, 4], 2)
                .Select(x => TaskContext.Current!.PartitionId == 1 && TaskContext.Current.AttemptNumber == 0
                    ? throw new InvalidOperationException("flaky disk")
                    : x)
                .ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal([1, 2, 3, 4], values);
        }

        var line = Assert.Single(Lines(output));
        Assert.Matches(@"^Prog: warning: Task \d+ \(stage 0\.0, partition 1, attempt 0\) failed on executor driver: InvalidOperationException: flaky disk; retrying \(3 attempts left\)$", line);
    }

    [Fact]
    public async Task TaskOutOfAttempts_LogsAnErrorBeforeTheJobFails()
    {
        var output = new StringWriter();
        using var factory = new StderrLoggerFactory("Prog", LogLevel.Warning, output);
        var options = new DataflowOptions { Master = "local[1]" };
        options.Scheduler.MaxTaskFailures = 2;
        await using (var ctx = new DataflowContext(options, factory))
        {
            await Assert.ThrowsAsync<JobFailedException>(() => ctx.Parallelize([1], 1)
                .Select<int, int>(_ => throw new InvalidOperationException("always"))
                .ToListAsync(TestContext.Current.CancellationToken));
        }

        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.Contains("attempt 0) failed on executor driver: InvalidOperationException: always; retrying (1 attempts left)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Prog: error: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("attempt 1) failed on executor driver: InvalidOperationException: always; no attempts left, the job fails", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContextWithoutLoggerFactory_InsideAProgram_UsesTheProgramsLogger()
    {
        var output = new StringWriter();
        using var factory = new StderrLoggerFactory("Prog", LogLevel.Warning, output);
        using (AmbientLogging.Use(factory))
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = "local[1]" });
            Assert.Same(factory, ctx.LoggerFactory);
        }

        await using var outside = new DataflowContext(new DataflowOptions { Master = "local[1]" });
        Assert.NotSame(factory, outside.LoggerFactory);
    }
}
