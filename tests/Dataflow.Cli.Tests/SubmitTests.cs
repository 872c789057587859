using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cli.Tests;

/// <summary>
/// The tool as a user runs it, against real worker processes it starts itself (<c>dataflow cluster start 2</c>, from
/// the worker the tool carries): WordCount's build, copied into a directory the workers never saw, submitted with
/// <c>dataflow submit</c>, prints what it prints in local mode; the workers are listed; exit codes 0, 1, 2 and 130 are
/// the application's; <c>--conf</c> reaches the application.
/// </summary>
[Collection("processes")]
public sealed class SubmitTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private static readonly string s_configuration = typeof(SubmitTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-cli-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Dictionary<string, string?> _env;

    public SubmitTests()
    {
        Directory.CreateDirectory(_dir);
        _env = new() { ["DATAFLOW_RUN_DIR"] = Path.Combine(_dir, "run"), ["DATAFLOW_MASTER"] = null };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The tool as built: engine/Dataflow.Cli/bin/&lt;configuration&gt;/net10.0, with worker/ and cluster-config/ beside it.</summary>
    private static string Tool => Path.Combine(Repository.Root(), "engine", "Dataflow.Cli", "bin", s_configuration, "net10.0", "Dataflow.Cli.dll");

    private static string Austen => Path.Combine(AppContext.BaseDirectory, "data", "austen.txt");

    [Fact]
    public async Task Submit_CopiedApplicationOnTwoRealWorkers_PrintsWhatLocalModePrints_AndExitCodesPassThrough()
    {
        var app = CopyWordCount();
        var start = await CliAsync("cluster", "start", "2", "--slots", "2");
        try
        {
            Assert.True(start.ExitCode == 0, start + WorkerLogs());
            var master = Assert.Single(start.StdoutLines);
            Assert.Matches(@"^orleans://127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$", master);
            Assert.Contains("dataflow cluster stop", start.Stderr, StringComparison.Ordinal);
            // Without a cluster key the workers admit any driver, so they stay on loopback and say so.
            Assert.All(WorkerLogTexts(), log => Assert.Contains("this worker admits any driver, so it listens on loopback only", log, StringComparison.Ordinal));

            var workers = await CliAsync("workers", "--master", master, "--json");
            Assert.True(workers.ExitCode == 0, workers.ToString());
            using (var document = JsonDocument.Parse(workers.Stdout))
            {
                var list = document.RootElement.GetProperty("workers").EnumerateArray().ToList();
                Assert.Equal(2, list.Count);
                Assert.All(list, w => Assert.Equal(2, w.GetProperty("slots").GetProperty("total").GetInt32()));
                Assert.All(list, w => Assert.Equal(0, w.GetProperty("runningTasks").GetInt32()));
                Assert.All(list, w => Assert.True(w.GetProperty("uptimeSeconds").GetDouble() > 0));
                Assert.All(list, w => Assert.True(w.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0));
            }

            var local = await ProcessRunner.RunAsync("dotnet", ["exec", app, "--master", "local[2]", "--input", Austen, "--top", "40"], _dir, _env, s_timeout, Ct);
            var submitted = await CliAsync("submit", "--master", master, "--name", "wordcount-submit", app, "--input", Austen, "--top", "40");
            Assert.True(local.ExitCode == 0, local.ToString());
            Assert.True(submitted.ExitCode == 0, submitted + WorkerLogs());
            Assert.Equal(40, local.StdoutLines.Length);
            Assert.Equal(local.Stdout, submitted.Stdout);
            // It ran on the workers: each was sent the application's assembly, which it had never seen.
            Assert.All(WorkerLogTexts(), log => Assert.Contains("job assemblies [WordCount]", log, StringComparison.Ordinal));

            // Exit codes are the application's: 2 for its usage errors and bad input, 1 when its job cannot run.
            var usage = await CliAsync("submit", "--master", master, app, "--top", "3");
            Assert.Equal(2, usage.ExitCode);
            Assert.Equal("", usage.Stdout);
            Assert.Contains("WordCount: missing required option --input", usage.Stderr, StringComparison.Ordinal);
            var missing = await CliAsync("submit", "--master", master, app, "--input", Path.Combine(_dir, "no-such-file.txt"));
            Assert.Equal(2, missing.ExitCode);
            // --conf reaches the application through its environment: its own validation refuses the value.
            var conf = await CliAsync("submit", "--master", master, "--conf", "Dataflow:Scheduler:MaxTaskFailures=0", app, "--input", Austen);
            Assert.Equal(2, conf.ExitCode);
            Assert.Contains("WordCount: Dataflow:Scheduler:MaxTaskFailures must", conf.Stderr, StringComparison.Ordinal);
            var unreachable = await CliAsync("submit", "--master", $"orleans://127.0.0.1:{ClosedPort()}", app, "--input", Austen);
            Assert.Equal(1, unreachable.ExitCode);
            Assert.Contains("Cannot connect to the cluster", unreachable.Stderr, StringComparison.Ordinal);

            await Cancel_WhileTasksRun_ExitsWith130Async(master, app);
            await Cancel_WhileTasksRun_ExitsWith130Async(master, app, terminate: true);
        }
        finally
        {
            var stop = await CliAsync("cluster", "stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }

        Assert.False(Directory.Exists(Path.Combine(_dir, "run")), "cluster stop left its run directory");
    }

    /// <summary>
    /// SIGINT to the tool alone (not its process group) reaches the application, which cancels its job: 130; SIGTERM
    /// (<paramref name="terminate"/>) cancels it too: 143, though its Orleans client would take SIGTERM for itself.
    /// </summary>
    private async Task Cancel_WhileTasksRun_ExitsWith130Async(string master, string app, bool terminate = false)
    {
        // 2,000 hard links to a 4 MB text (8 GB to read): the job is still running when it is interrupted. (Not symbolic
        // links: the text input takes a link's own length for the file's.)
        var big = Path.Combine(_dir, "big");
        if (!Directory.Exists(big))
        {
            Directory.CreateDirectory(big);
            File.Copy(Austen, Path.Combine(big, "part-0000.txt"));
            var links = await ProcessRunner.RunAsync("bash", ["-c", "for i in $(seq -w 1 1999); do ln part-0000.txt part-$i.txt || exit 1; done"], big, _env, s_timeout, Ct);
            Assert.True(links.ExitCode == 0, links.ToString());
        }

        // A process started in the background of a non-interactive shell (as test runners are) inherits SIGINT ignored,
        // and so would the application; a terminal's foreground job does not: reset it, as a user's shell has it.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", "exec", Tool, "submit", "--master", master, app, "--input", big })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("DATAFLOW_MASTER");
        using var process = Process.Start(info)!;
        try
        {
            await InterruptAsync(process, master, terminate);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task InterruptAsync(Process process, string master, bool terminate)
    {
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        var deadline = Stopwatch.StartNew();
        while (!await TasksRunningAsync(master))
        {
            if (process.HasExited)
            {
                Assert.Fail($"the job ended (exit {process.ExitCode}) before it could be cancelled: {await stderr}");
            }

            Assert.True(deadline.Elapsed < s_timeout, "no task started");
            await Task.Delay(100, Ct);
        }

        var kill = await ProcessRunner.RunAsync("kill", [terminate ? "-TERM" : "-INT", process.Id.ToString(CultureInfo.InvariantCulture)], _dir, _env, s_timeout, Ct);
        Assert.Equal(0, kill.ExitCode);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(s_timeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == (terminate ? 143 : 130), $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Equal("", await stdout);
        Assert.Contains(terminate ? "WordCount: terminated" : "WordCount: cancelled", await stderr, StringComparison.Ordinal);
    }

    private async Task<bool> TasksRunningAsync(string master)
    {
        var workers = await CliAsync("workers", "--master", master, "--json");
        Assert.True(workers.ExitCode == 0, workers.ToString());
        using var document = JsonDocument.Parse(workers.Stdout);
        return document.RootElement.GetProperty("workers").EnumerateArray().Any(w => w.GetProperty("runningTasks").GetInt32() > 0);
    }

    private Task<ProcessResult> CliAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", ["exec", Tool, .. args], _dir, _env, s_timeout, Ct);

    /// <summary>WordCount's build output, copied whole into a directory of this test's own.</summary>
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

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private IEnumerable<string> WorkerLogTexts() =>
        Directory.GetDirectories(Path.Combine(_dir, "run"), "worker-*").Select(d => File.ReadAllText(Path.Combine(d, "worker.log")));

    private string WorkerLogs() => !Directory.Exists(Path.Combine(_dir, "run")) ? "" : string.Concat(
        Directory.GetFiles(Path.Combine(_dir, "run"), "worker.log", SearchOption.AllDirectories).Select(f => $"\n--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(20))}"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
