using System.Diagnostics;
using System.Globalization;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cluster.Tests.Processes;

/// <summary>
/// Parameter-server training on real worker processes started by cluster-config/local-cluster.sh, driven by an
/// application that names no cluster type (it only references Dataflow.MLlib.Cluster, as the examples do): the shard
/// grains come from the backend's client (ShardHosts.For), live on the worker silos, and the run gives what local mode
/// gives; a worker killed mid-training loses its shards and its tasks, and the run restores the last snapshot and still
/// converges.
/// </summary>
[Collection("processes")]
public sealed class RealWorkerPsTests : IDisposable
{
    private const string JobProgram = """
        using System.Globalization;
        using Dataflow;
        using Dataflow.MLlib.Data;
        using Dataflow.MLlib.Feature;
        using Dataflow.MLlib.ParameterServer;
        // args: master csv consistency clocks snapshotDir|- snapshotEvery
        await using var ctx = new DataflowContext(args[0]);
        var points = await ctx.LoadCsvAsync(args[1]);
        var scaled = (await new StandardScaler().FitAsync(points)).Transform(points).Repartition(2);
        var (_, summary) = await new PsLogisticRegression
        {
            Consistency = args[2], RegParam = 1.0 / 569, Iterations = int.Parse(args[3], CultureInfo.InvariantCulture),
            SnapshotDirectory = args[4] == "-" ? null : args[4], SnapshotEvery = int.Parse(args[5], CultureInfo.InvariantCulture),
        }.FitAsync(scaled);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"objective\t{summary.Objective:R}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start\t{summary.Workers.Max(w => w.StartClock)}"));
        """;

    /// <summary>The optimum of the breast-cancer objective (standardised, λ = 1/569), by Newton's method in MLlib's tests.</summary>
    private const double Optimum = 0.06636;

    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-psjob-" + Guid.NewGuid().ToString("N")[..10]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Csv => Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer.csv");

    [Fact]
    public async Task PsTraining_OnTwoRealWorkers_MatchesLocalModeAndSurvivesAKilledWorker()
    {
        var repo = Repository.Root();
        var app = await JobApps.BuildAsync(_dir, "PsJob", JobProgram, parameterServer: true, TestContext.Current.CancellationToken);
        var runDir = Path.Combine(_dir, "run");
        var env = new Dictionary<string, string?> { ["DATAFLOW_RUN_DIR"] = runDir };
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        // --rebuild: the workers must run this build (the shard grains included), not an older Release build left in the tree.
        var start = await ProcessRunner.RunAsync("bash", [script, "start", "2", "--slots", "2", "--rebuild"], repo, env, TimeSpan.FromMinutes(5), Ct);
        try
        {
            Assert.True(start.ExitCode == 0, start.Stderr + JobApps.WorkerLogs(runDir));
            var master = start.Stdout.Trim().Split('\n')[^1];

            // BSP applies each clock's updates in worker order: the cluster's run is the local one, to the last bit.
            var local = await ProcessRunner.RunAsync("dotnet", [app, "local[2]", Csv, "bsp", "200", "-", "0"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), Ct);
            var cluster = await ProcessRunner.RunAsync("dotnet", [app, master, Csv, "bsp", "200", "-", "0"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), Ct);
            Assert.True(local.ExitCode == 0, local.ToString());
            Assert.True(cluster.ExitCode == 0, cluster + JobApps.WorkerLogs(runDir));
            Assert.Equal(local.Stdout, cluster.Stdout);
            Assert.InRange(Objective(cluster), Optimum, Optimum * 1.01);
            // The tasks found their shards as grains on the workers (the driver registers none of its own on a cluster).
            Assert.DoesNotContain("no shards in this process", cluster.Stderr, StringComparison.Ordinal);

            await KilledWorkerAsync(app, master, runDir);
        }
        finally
        {
            await ProcessRunner.RunAsync("bash", [script, "stop"], repo, env, TimeSpan.FromMinutes(1), Ct);
        }
    }

    /// <summary>kill -9 of a worker once the run has a snapshot: the PS stage is retried, restores it, and converges.</summary>
    private async Task KilledWorkerAsync(string app, string master, string runDir)
    {
        var snapshots = Path.Combine(_dir, "snapshots");
        const int clocks = 600;
        var run = ProcessRunner.RunAsync("dotnet", [app, master, Csv, "ssp:2", clocks.ToString(CultureInfo.InvariantCulture), snapshots, "20"], _dir,
            s_noEnvironment, TimeSpan.FromMinutes(5), Ct);
        var killedAt = await WaitForSnapshotAsync(snapshots, 40, run);
        var victim = int.Parse(File.ReadAllText(Path.Combine(runDir, "worker-2", "pid")).Trim(), CultureInfo.InvariantCulture);
        Process.GetProcessById(victim).Kill(); // SIGKILL: no shutdown, its grains and tasks vanish
        var result = await run;

        Assert.True(result.ExitCode == 0, result + JobApps.WorkerLogs(runDir));
        Assert.InRange(Objective(result), Optimum, Optimum * 1.01);
        // The second attempt resumed from a snapshot taken at or after the one seen before the kill, not from clock 0.
        var resumed = int.Parse(result.StdoutLines.Single(l => l.StartsWith("start\t", StringComparison.Ordinal))[6..], CultureInfo.InvariantCulture);
        Assert.InRange(resumed, killedAt, clocks - 1);
    }

    /// <summary>Waits until every shard (2) has a snapshot at a clock ≥ <paramref name="atLeast"/>, and returns that clock.</summary>
    private static async Task<int> WaitForSnapshotAsync(string directory, int atLeast, Task<ProcessResult> run)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            // An external process's files: nothing to await but the files themselves.
            var latest = global::Dataflow.MLlib.ParameterServer.ShardSnapshot.LatestComplete(directory, 2);
            if (latest >= atLeast)
            {
                return latest;
            }

            if (run.IsCompleted)
            {
                Assert.Fail($"The run ended before a snapshot at clock {atLeast}: {await run}");
            }

            await Task.Delay(20, Ct);
        }

        throw new TimeoutException($"No complete snapshot at clock {atLeast} in {directory} within 3 minutes.");
    }

    private static double Objective(ProcessResult result) =>
        double.Parse(result.StdoutLines.Single(l => l.StartsWith("objective\t", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
