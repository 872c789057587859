using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;
using Dataflow.Diagnostics;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;
using Orleans.Configuration;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// The driver follows membership: a worker that joins gets tasks; the running tasks of a worker that dies are run
/// again elsewhere and the job's result is unaffected. A cluster of its own, since silos come and go.
/// </summary>
public sealed class MembershipTests : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new("membership", silo => silo.Configure<ClusterMembershipOptions>(o =>
    {
        // Declare a killed silo dead within a few seconds (the defaults take tens of seconds).
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
    }));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task WorkerThatJoins_GetsTasks()
    {
        await using var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master });
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        Assert.Equal(InProcessCluster.Workers * InProcessCluster.SlotsPerWorker, ctx.DefaultParallelism);

        await _cluster.Cluster.StartAdditionalSiloAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int executors;
        do
        {
            recorder.Clear();
            Assert.Equal(600, await ctx.Range(0, 600, 1, 30).Select(x => { Thread.Sleep(5); return x; }).CountAsync(Ct));
            await ctx.Listeners.FlushAsync();
            executors = recorder.Events.OfType<TaskEndEvent>().Select(e => e.ExecutorId).Distinct().Count();
        }
        while (executors < 3 && DateTime.UtcNow < deadline);

        Assert.Equal(3, executors);
    }

    [Fact]
    public async Task WorkerThatDies_ItsRunningTasksRunElsewhere_WithoutCountingAsFailures_AndTheResultIsRight()
    {
        // The driver's log as a program writes it to standard error.
        var log = new StringWriter();
        var logging = new StderrLoggerFactory("Driver", Microsoft.Extensions.Logging.LogLevel.Warning, log);
        // One failure would fail the job: the tasks lost with the worker must not count as failures.
        var options = new DataflowOptions { Master = _cluster.Master };
        options.Scheduler.MaxTaskFailures = 1;
        var ctx = new DataflowContext(options, logging);
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var victim = _cluster.Cluster.Silos[^1];
        var victimId = victim.SiloAddress.ToParsableString();

        var job = ctx.Range(0, 4_000, 1, 40).Select(x => { Thread.Sleep(2); return x % 7; }).SumAsync(Ct);
        // Kill the worker once tasks are running on it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!recorder.Events.OfType<TaskEndEvent>().Any(e => e.ExecutorId == victim.SiloAddress.ToParsableString()) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        await _cluster.Cluster.KillSiloAsync(victim, Ct);
        var sum = await job;
        await ctx.Listeners.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 4_000).Sum(x => x % 7), sum);
        Assert.Contains(recorder.Events.OfType<TaskEndEvent>(), e => e.Error is ExecutorLostException lost && lost.ExecutorId == victimId);
        Assert.Contains(recorder.Events.OfType<ExecutorRemovedEvent>(), e => e.ExecutorId == victimId && e.Reason.Length > 0);
        await ctx.DisposeAsync();
        logging.Dispose();

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"Driver: warning: Executor {victimId} lost: ", StringComparison.Ordinal)
            && l.EndsWith("; its running tasks are retried elsewhere.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Driver: warning: Task ", StringComparison.Ordinal)
            && l.Contains($"failed on executor {victimId}: ExecutorLostException", StringComparison.Ordinal)
            && l.Contains("; retrying (", StringComparison.Ordinal));
        // Only the engine's own words: no Orleans client chatter at the default level.
        Assert.All(lines, l => Assert.StartsWith("Driver: ", l, StringComparison.Ordinal));
    }
}
