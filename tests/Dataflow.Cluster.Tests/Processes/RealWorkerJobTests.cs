using System.Diagnostics;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cluster.Tests.Processes;

/// <summary>
/// A job application built into a directory the workers never see runs on two real worker processes started by
/// cluster-config/local-cluster.sh, and prints what it prints in local mode: its assemblies reach the workers only as
/// bytes the driver sends. After the first-started worker is killed, the same master URL still runs it.
/// </summary>
[Collection("processes")]
public sealed class RealWorkerJobTests : IDisposable
{
    private const string JobProgram = """
        using Dataflow;
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
        var app = await BuildJobAsync(repo);
        var runDir = Path.Combine(_dir, "run");
        var env = new Dictionary<string, string?> { ["DATAFLOW_RUN_DIR"] = runDir };
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        // --rebuild: the workers must run this build of the engine, not an older Release build left in the tree.
        var start = await ProcessRunner.RunAsync("bash", [script, "start", "2", "--slots", "2", "--rebuild"], repo, env, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        try
        {
            Assert.True(start.ExitCode == 0, start.Stderr + WorkerLogs(runDir));
            var master = start.Stdout.Trim().Split('\n')[^1];
            Assert.Matches(@"^orleans://127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$", master);

            var local = await ProcessRunner.RunAsync("dotnet", [app, "local[2]", "100"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            var cluster = await ProcessRunner.RunAsync("dotnet", [app, master, "100"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

            Assert.True(local.ExitCode == 0, local.Stderr);
            Assert.True(cluster.ExitCode == 0, cluster.Stderr + WorkerLogs(runDir));
            Assert.Equal(local.Stdout, cluster.Stdout);
            // 20,000 readings of i/2 with i/2 >= 100 are i >= 200: 19,800 kept; the three sensors split them.
            Assert.Contains("kept\t19800", cluster.Stdout, StringComparison.Ordinal);
            Assert.Equal(4, cluster.Stdout.Trim().Split('\n').Length);
            var workerLogs = Directory.GetDirectories(runDir, "worker-*").Select(d => File.ReadAllText(Path.Combine(d, "worker.log")));
            Assert.All(workerLogs, log => Assert.DoesNotContain(_dir + "/out", log, StringComparison.Ordinal));

            // Kill the first-started worker, whose gateway the URL lists first: the cluster and the URL still work.
            var firstPid = int.Parse(File.ReadAllText(Path.Combine(runDir, "worker-1", "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Process.GetProcessById(firstPid).Kill();
            var again = await ProcessRunner.RunAsync("dotnet", [app, master, "100"], _dir, s_noEnvironment, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.True(again.ExitCode == 0, again.Stderr + WorkerLogs(runDir));
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

    /// <summary>The end of every process's log, for failure messages.</summary>
    private static string WorkerLogs(string runDir) => !Directory.Exists(runDir) ? "" : string.Concat(
        Directory.GetFiles(runDir, "worker.log", SearchOption.AllDirectories).Select(f => $"\n--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(20))}"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<string> BuildJobAsync(string repo)
    {
        var project = Path.Combine(_dir, "src");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), JobProgram);
        await File.WriteAllTextAsync(Path.Combine(project, "SensorJob.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{repo}/engine/Dataflow.Cluster/Dataflow.Cluster.csproj" />
              </ItemGroup>
            </Project>
            """);
        // Outside the repository, so its build props do not apply; the engine projects still build with theirs.
        var build = await ProcessRunner.RunAsync("dotnet", ["build", "-c", "Release", "-o", Path.Combine(_dir, "out"), project], _dir, s_noEnvironment, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        return Path.Combine(_dir, "out", "SensorJob.dll");
    }
}
