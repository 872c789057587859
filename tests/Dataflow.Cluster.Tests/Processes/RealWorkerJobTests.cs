using System.Diagnostics;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cluster.Tests.Processes;

/// <summary>
/// A job application built into a directory the workers never see runs on two real worker processes started by
/// cluster-config/local-cluster.sh, and prints what it prints in local mode: its assemblies reach the workers only as
/// bytes the driver sends, except the libraries the worker provides (MLlib), which it runs from its own copy. After the
/// first-started worker is killed, the same master URL still runs it.
/// </summary>
[Collection("processes")]
public sealed class RealWorkerJobTests : IDisposable
{
    private const string JobProgram = """
        using Dataflow;
        using Dataflow.MLlib.Linalg;
        var master = args[0];
        await using var ctx = new DataflowContext(master);
        var threshold = int.Parse(args[1]);
        var lookup = ctx.Broadcast(new Dictionary<int, string> { [0] = "zero", [1] = "one", [2] = "two" });
        var counter = ctx.LongAccumulator("kept");
        var result = await ctx.Range(0, 20_000, numSlices: 6)
            .Select(i => new Reading((int)(i % 3), i * 0.5))
            .Where(r => r.Value >= threshold)
            .Select(r => { counter.Add(1); return (Key: lookup.Value[r.Sensor], r.Value); })
            .AggregateByKey(new Stats(0, 0), (s, v) => s.Add(v), (a, b) => a.Merge(b), 4)
            .OrderBy(p => p.Key)
            .ToArrayAsync();
        foreach (var (key, stats) in result)
        {
            Console.WriteLine($"{key}\t{stats.Count}\t{stats.Sum:R}");
        }

        Console.WriteLine($"kept\t{counter.Value}");
        // MLlib's types in a closure and a broadcast: the workers run their own copy of MLlib, the job does not ship it.
        var weights = ctx.Broadcast(Vectors.Dense(0.5, -1.0));
        var dots = await ctx.Range(0, 1_000, numSlices: 4).Select(i => Vectors.Dense(i, 1.0).Dot(weights.Value)).ToArrayAsync();
        Console.WriteLine($"dots\t{dots.Sum():R}");

        public sealed record Reading(int Sensor, double Value);

        public sealed record Stats(long Count, double Sum)
        {
            public Stats Add(double v) => new(Count + 1, Sum + v);

            public Stats Merge(Stats o) => new(Count + o.Count, Sum + o.Sum);
        }
        """;

    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-job-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task JobBuiltElsewhere_OnTwoRealWorkers_PrintsWhatLocalModePrints()
    {
        var repo = Repository.Root();
        var app = await JobApps.BuildAsync(_dir, "SensorJob", JobProgram, parameterServer: false, TestContext.Current.CancellationToken);
        var runDir = Path.Combine(_dir, "run");
        var env = new Dictionary<string, string?> { ["DATAFLOW_RUN_DIR"] = runDir };
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        // --rebuild: the workers must run this build of the engine, not an older Release build left in the tree.
        var start = await ProcessRunner.RunAsync("bash", [script, "start", "2", "--slots", "2", "--rebuild"], repo, env, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        try
        {
            Assert.True(start.ExitCode == 0, start.Stderr + JobApps.WorkerLogs(runDir));
            var master = start.Stdout.Trim().Split('\n')[^1];
            Assert.Matches(@"^orleans://127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$", master);

            var local = await ProcessRunner.RunAsync("dotnet", [app, "local[2]", "100"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            var cluster = await ProcessRunner.RunAsync("dotnet", [app, master, "100"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

            Assert.True(local.ExitCode == 0, local.Stderr);
            Assert.True(cluster.ExitCode == 0, cluster.Stderr + JobApps.WorkerLogs(runDir));
            Assert.Equal(local.Stdout, cluster.Stdout);
            // 20,000 readings of i/2 with i/2 >= 100 are i >= 200: 19,800 kept; the three sensors split them.
            Assert.Contains("kept\t19800", cluster.Stdout, StringComparison.Ordinal);
            // Σ (i/2 − 1) over i < 1,000 = 249,750 − 1,000.
            Assert.Contains("dots\t248750", cluster.Stdout, StringComparison.Ordinal);
            Assert.Equal(5, cluster.Stdout.Trim().Split('\n').Length);
            var workerLogs = Directory.GetDirectories(runDir, "worker-*").Select(d => File.ReadAllText(Path.Combine(d, "worker.log"))).ToList();
            Assert.All(workerLogs, log => Assert.DoesNotContain(_dir + "/out", log, StringComparison.Ordinal));
            // The job shipped only its own assembly; MLlib came from the workers' build.
            foreach (var log in workerLogs)
            {
                var setUp = System.Text.RegularExpressions.Regex.Match(log, @"job assemblies \[(?<shipped>[^\]]*)\]; provided by this worker \[(?<provided>[^\]]*)\]");
                Assert.True(setUp.Success, string.Join('\n', log.Split('\n').Where(l => l.Contains("Application", StringComparison.Ordinal) || l.Contains("info", StringComparison.Ordinal)).Take(20)));
                Assert.Equal("SensorJob", setUp.Groups["shipped"].Value);
                Assert.Matches(@"(^|, )Dataflow\.MLlib [0-9.]+(,|$)", setUp.Groups["provided"].Value);
            }

            AssertWorkerProvidesLibraries(repo);

            // Kill the first-started worker, whose gateway the URL lists first: the cluster and the URL still work.
            var firstPid = int.Parse(File.ReadAllText(Path.Combine(runDir, "worker-1", "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Process.GetProcessById(firstPid).Kill();
            var again = await ProcessRunner.RunAsync("dotnet", [app, master, "100"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.True(again.ExitCode == 0, again.Stderr + JobApps.WorkerLogs(runDir));
            Assert.Equal(local.Stdout, again.Stdout);
            var status = await ProcessRunner.RunAsync("bash", [script, "status"], repo, env, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            Assert.Matches($@"(?m)^{firstPid} \S+ dead$", status.Stdout);
            Assert.Matches(@"(?m)^\d+ \S+ active$", status.Stdout);
        }
        finally
        {
            await ProcessRunner.RunAsync("bash", [script, "stop"], repo, env, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// The worker is built with every library that AssemblyRoles says it provides: each Dataflow library marked
    /// <c>worker</c> and each listed third-party one that this test's build has (ILGPU only once the kernels use it).
    /// </summary>
    private static void AssertWorkerProvidesLibraries(string repo)
    {
        var workerDir = Path.Combine(repo, "engine", "Dataflow.Worker", "bin", "Release", "net10.0");
        var ours = Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet();
        var expected = Serialization.TypeSafety.AssemblyRoles.ThirdPartyWorkerLibraries.Where(ours.Contains)
            .Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && Serialization.TypeSafety.AssemblyRoles.Of(a) == Serialization.TypeSafety.AssemblyRole.WorkerLibrary)
                .Select(a => a.GetName().Name!))
            .Append("Dataflow.MLlib").Append("Dataflow.MLlib.Kernels").Append("MathNet.Numerics")
            .Distinct();
        Assert.All(expected, name => Assert.True(File.Exists(Path.Combine(workerDir, name + ".dll")), $"the worker build lacks {name}.dll"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
