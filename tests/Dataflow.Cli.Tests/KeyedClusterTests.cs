using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cli.Tests;

/// <summary>
/// Real worker processes with a cluster key (<c>dataflow cluster start 2</c>, <c>Dataflow:Cluster:KeyFile</c> in their
/// environment, <c>Dataflow:Worker:DriverTimeout</c> 2 s): a driver with another key is refused and nothing of it
/// reaches the workers; two applications submitted at once both print what local mode prints; a driver killed with
/// SIGKILL while its tasks run has them cancelled and its files removed within seconds.
/// </summary>
[Collection("processes")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyedClusterTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private static readonly string s_configuration = typeof(KeyedClusterTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-keyed-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Dictionary<string, string?> _env;
    private readonly string _wrongKeyFile;

    public KeyedClusterTests()
    {
        Directory.CreateDirectory(_dir);
        var keyFile = WriteKey("cluster.key", "the-right-key-0123456789abcdef");
        _wrongKeyFile = WriteKey("wrong.key", "another-key-0123456789abcdef00");
        _env = new()
        {
            ["DATAFLOW_RUN_DIR"] = Path.Combine(_dir, "run"),
            ["DATAFLOW_MASTER"] = null,
            ["DATAFLOW__CLUSTER__KEYFILE"] = keyFile,
            ["DATAFLOW__WORKER__DRIVERTIMEOUT"] = "00:00:02",
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Tool => Path.Combine(Repository.Root(), "engine", "Dataflow.Cli", "bin", s_configuration, "net10.0", "Dataflow.Cli.dll");

    private static string Austen => Path.Combine(AppContext.BaseDirectory, "data", "austen.txt");

    private string RunDir => Path.Combine(_dir, "run");

    [Fact]
    public async Task KeyedCluster_RefusesAnotherKey_RunsTwoAppsAtOnce_AndDropsAKilledDriversTasksAndFiles()
    {
        var app = CopyWordCount();
        var start = await CliAsync("cluster", "start", "2", "--slots", "2");
        try
        {
            Assert.True(start.ExitCode == 0, start + WorkerLogs());
            var master = Assert.Single(start.StdoutLines);
            Assert.All(WorkerLogTexts(), log => Assert.Contains("Cluster key configured", log, StringComparison.Ordinal));

            // Another key: refused at registration, with the reason; no assembly, application or directory of it on the workers.
            var wrong = await CliAsync("submit", "--master", master, "--conf", $"Dataflow:Cluster:KeyFile={_wrongKeyFile}", app, "--input", Austen);
            Assert.True(wrong.ExitCode == 1, wrong.ToString());
            Assert.Equal("", wrong.Stdout);
            Assert.Contains("did not admit this driver", wrong.Stderr, StringComparison.Ordinal);
            Assert.Contains("does not match this worker's cluster key", wrong.Stderr, StringComparison.Ordinal);
            Assert.All(WorkerLogTexts(), log => Assert.Contains("Refused application", log, StringComparison.Ordinal));
            Assert.All(WorkerLogTexts(), log => Assert.DoesNotContain("job assemblies [", log, StringComparison.Ordinal));
            Assert.Empty(ApplicationDirectories());
            Assert.All(await WorkersAsync(master), w => Assert.Equal(0, w.Applications));

            // The right key (from the environment, as the workers have it): two applications at once, both right.
            var local = await ProcessRunner.RunAsync("dotnet", ["exec", app, "--master", "local[2]", "--input", Austen, "--top", "30"], _dir, _env, s_timeout, Ct);
            Assert.True(local.ExitCode == 0, local.ToString());
            var both = await Task.WhenAll(
                CliAsync("submit", "--master", master, "--name", "first", app, "--input", Austen, "--top", "30"),
                CliAsync("submit", "--master", master, "--name", "second", app, "--input", Austen, "--top", "30"));
            Assert.All(both, r => Assert.True(r.ExitCode == 0, r + WorkerLogs()));
            Assert.All(both, r => Assert.Equal(local.Stdout, r.Stdout));

            await KilledDriver_TasksCancelledAndFilesRemovedAsync(master, app);
        }
        finally
        {
            var stop = await CliAsync("cluster", "stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }
    }

    private async Task KilledDriver_TasksCancelledAndFilesRemovedAsync(string master, string app)
    {
        // 2,000 hard links to a 4 MB text: the job is still running when its driver is killed.
        var big = Path.Combine(_dir, "big");
        Directory.CreateDirectory(big);
        File.Copy(Austen, Path.Combine(big, "part-0000.txt"));
        var links = await ProcessRunner.RunAsync("bash", ["-c", "for i in $(seq -w 1 1999); do ln part-0000.txt part-$i.txt || exit 1; done"], big, _env, s_timeout, Ct);
        Assert.True(links.ExitCode == 0, links.ToString());

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir };
        foreach (var arg in new[] { "exec", app, "--master", master, "--input", big })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _env)
        {
            info.Environment[name] = value;
        }

        using var driver = Process.Start(info)!;
        var stderr = driver.StandardError.ReadToEndAsync(Ct);
        _ = driver.StandardOutput.ReadToEndAsync(Ct);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(await WorkersAsync(master)).Any(w => w.RunningTasks > 0))
            {
                Assert.False(driver.HasExited, $"the job ended (exit {(driver.HasExited ? driver.ExitCode : 0)}) before its driver could be killed: {(driver.HasExited ? await stderr : "")}");
                Assert.True(deadline.Elapsed < s_timeout, "no task started");
                await Task.Delay(100, Ct);
            }

            Assert.NotEmpty(ApplicationDirectories());
            driver.Kill();
            var killed = Stopwatch.StartNew();
            while ((await WorkersAsync(master)).Any(w => w.RunningTasks > 0 || w.Applications > 0) || ApplicationDirectories().Count > 0)
            {
                Assert.True(killed.Elapsed < TimeSpan.FromSeconds(30), $"30 s after the driver was killed, workers still hold its tasks or files: {string.Join(", ", ApplicationDirectories())}{WorkerLogs()}");
                await Task.Delay(100, Ct);
            }

            Assert.All(WorkerLogTexts(), log => Assert.Contains("has not answered for 00:00:02; removing the application", log, StringComparison.Ordinal));
        }
        finally
        {
            if (!driver.HasExited)
            {
                driver.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task<IReadOnlyList<(int RunningTasks, int Applications)>> WorkersAsync(string master)
    {
        var workers = await CliAsync("workers", "--master", master, "--json");
        Assert.True(workers.ExitCode == 0, workers.ToString());
        using var document = JsonDocument.Parse(workers.Stdout);
        return [.. document.RootElement.GetProperty("workers").EnumerateArray()
            .Select(w => (w.GetProperty("runningTasks").GetInt32(), w.GetProperty("applications").GetArrayLength()))];
    }

    /// <summary>The application directories (<c>apps/&lt;id&gt;</c>) under every worker's local directory.</summary>
    private List<string> ApplicationDirectories() =>
        [.. Directory.GetDirectories(RunDir, "apps", SearchOption.AllDirectories).SelectMany(Directory.GetDirectories)];

    private string WriteKey(string name, string key)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, key + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private Task<ProcessResult> CliAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", ["exec", Tool, .. args], _dir, _env, s_timeout, Ct);

    private string CopyWordCount()
    {
        var source = Path.Combine(Repository.Root(), "examples", "WordCount", "bin", s_configuration, "net10.0");
        var target = Path.Combine(_dir, "app");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return Path.Combine(target, "WordCount.dll");
    }

    private IEnumerable<string> WorkerLogTexts() =>
        Directory.GetDirectories(RunDir, "worker-*").Select(d => File.ReadAllText(Path.Combine(d, "worker.log")));

    private string WorkerLogs() => !Directory.Exists(RunDir) ? "" : string.Concat(
        Directory.GetFiles(RunDir, "worker.log", SearchOption.AllDirectories).Select(f => $"\n--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(20))}"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
