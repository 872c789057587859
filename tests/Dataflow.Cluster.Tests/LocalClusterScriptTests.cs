using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cluster.Tests;

/// <summary>
/// cluster-config/local-cluster.sh, run as a user runs it, against real worker processes: start, status, a second
/// start, losing the first-started worker to SIGKILL, and stop, each checked against the processes themselves. The
/// worker is the script's default (the Release build, built when missing) unless DATAFLOW_WORKER_DLL names another.
/// </summary>
[Collection("processes")]
public sealed partial class LocalClusterScriptTests(ITestOutputHelper output) : IAsyncDisposable
{
    // Start may build the Release worker first.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dataflow-local-cluster-" + Guid.NewGuid().ToString("N")[..10]);

    private string RunDir => Path.Combine(_root, "run");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lifecycle_TwoWorkersAndTheFirstKilled_ClusterSurvivesAndStopLeavesNothing()
    {
        var start = await ScriptAsync(StartTimeout, "start", "2", "--slots", "1");
        Assert.True(start.ExitCode == 0, start.ToString());
        var url = Assert.Single(start.StdoutLines);
        var match = TwoGatewayUrl().Match(url);
        Assert.True(match.Success, $"not a master URL with two gateways: {url}");
        // Gateways are listed in worker order, as status lists the workers.
        int[] gateways = [Number(match.Groups[1]), Number(match.Groups[2])];
        Assert.NotEqual(gateways[0], gateways[1]);
        foreach (var gateway in gateways)
        {
            Assert.True(await AcceptsTcpAsync(gateway), $"nothing listens on gateway port {gateway}");
        }

        var status = await ScriptAsync(CommandTimeout, "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        var workers = status.StdoutLines.Select(ParseStatusLine).ToArray();
        Assert.Equal(["active", "active"], workers.Select(w => w.State));
        Assert.NotEqual(workers[0].Pid, workers[1].Pid);
        var primaryLine = PrimaryStatusLine().Match(status.Stderr);
        Assert.True(primaryLine.Success, status.ToString());
        var primaryPid = Number(primaryLine.Groups[1]);
        var primarySiloPort = Number(primaryLine.Groups[2]);
        foreach (var pid in workers.Select(w => w.Pid).Append(primaryPid))
        {
            AssertIsWorkerOfThisRun(pid);
        }

        var second = await ScriptAsync(StartTimeout, "start", "1");
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Equal("", second.Stdout);
        Assert.Contains("already running", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(status.Stdout, (await ScriptAsync(CommandTimeout, "status")).Stdout);

        var (first, survivor) = (workers[0], workers[1]);
        using (var victim = Process.GetProcessById(first.Pid))
        {
            victim.Kill(); // SIGKILL
        }

        var sinceKill = Stopwatch.StartNew();
        await WaitUntilAsync(() => !ProcessTable.IsRunning(first.Pid), TimeSpan.FromSeconds(10), $"pid {first.Pid} survived SIGKILL");
        var afterKill = await ScriptAsync(CommandTimeout, "status");
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        Assert.Equal([$"{first.Pid} {first.Silo} dead", $"{survivor.Pid} {survivor.Silo} active"], afterKill.StdoutLines);
        Assert.False(await AcceptsTcpAsync(gateways[0]), "the killed worker's gateway still accepts connections");
        Assert.True(await AcceptsTcpAsync(gateways[1]), "the surviving worker's gateway stopped accepting connections");

        // The surviving silo still serves, and the cluster (as it sees it) has evicted the killed one and kept the rest.
        var active = await WaitForEvictionAsync(gateways[1], first.SiloPort);
        output.WriteLine($"killed worker no longer active in the survivor's membership view {sinceKill.Elapsed.TotalSeconds:0.0} s after SIGKILL");
        Assert.Equal(new SortedSet<int> { primarySiloPort, survivor.SiloPort }, new SortedSet<int>(active));

        var stop = await ScriptAsync(CommandTimeout, "stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.All([primaryPid, first.Pid, survivor.Pid], pid => Assert.False(ProcessTable.IsRunning(pid), $"pid {pid} is still running"));
        Assert.Empty(ProcessTable.Mentioning(RunDir));
        Assert.False(Directory.Exists(RunDir), $"{RunDir} is still there");
    }

    [Fact]
    public async Task Start_WhenAWorkerFailsToStart_ExitsOneAndStopsWhatItStarted()
    {
        // The worker rejects a zero memory budget (exit 2) after the primary is already up.
        var start = await ScriptAsync(StartTimeout, "start", "1", "--executor-memory", "0");

        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Equal("", start.Stdout);
        Assert.Contains("worker-1 exited before it was ready", start.Stderr, StringComparison.Ordinal);
        Assert.Contains("Dataflow:Executor:Memory must be > 0", start.Stderr, StringComparison.Ordinal);
        Assert.Empty(ProcessTable.Mentioning(RunDir));
        Assert.False(Directory.Exists(RunDir), $"{RunDir} is still there");
    }

    [Fact]
    public async Task Start_WhenTimeRunsOut_ExitsOneAndStopsWhatItStarted()
    {
        // No time at all: the primary is running (or about to) and the workers are recorded but not launched.
        var start = await ScriptAsync(StartTimeout, new Dictionary<string, string?> { ["DATAFLOW_START_TIMEOUT"] = "0" }, "start", "2");

        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Equal("", start.Stdout);
        Assert.Contains("timed out waiting for primary", start.Stderr, StringComparison.Ordinal);
        Assert.Empty(ProcessTable.Mentioning(RunDir));
        Assert.False(Directory.Exists(RunDir), $"{RunDir} is still there");
    }

    [Fact]
    public async Task StatusAndStop_WithNoCluster_StatusExitsOneStopExitsZero()
    {
        var status = await ScriptAsync(CommandTimeout, "status");
        var stop = await ScriptAsync(CommandTimeout, "stop");

        Assert.True(status.ExitCode == 1, status.ToString());
        Assert.Equal("", status.Stdout);
        Assert.Contains("no cluster is recorded", status.Stderr, StringComparison.Ordinal);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("", stop.Stdout);
        Assert.False(Directory.Exists(RunDir));
    }

    [Theory]
    [InlineData("")]
    [InlineData("start")]
    [InlineData("start 0")]
    [InlineData("start two")]
    [InlineData("start 2 3")]
    [InlineData("start 2 --slots x")]
    [InlineData("start 2 --executor-memory lots")]
    [InlineData("start 2 --slots")]
    [InlineData("start 2 --bogus")]
    [InlineData("status now")]
    [InlineData("frobnicate")]
    public async Task Command_WithBadArguments_ExitsTwoAndStartsNothing(string arguments)
    {
        var result = await ScriptAsync(CommandTimeout, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("usage:", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RunDir));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Start_WorkerOlderThanAnEngineSource_RebuildsItFirst()
    {
        // A copy of the script in a repository of its own, whose `dotnet` only records how it was called and fails.
        var repo = Path.Combine(_root, "repo");
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.Copy(Path.Combine(Repository.Root(), "cluster-config", "local-cluster.sh"), script);
        var dll = Path.Combine(repo, "engine", "Dataflow.Worker", "bin", "Release", "net10.0", "Dataflow.Worker.dll");
        var source = Path.Combine(repo, "engine", "Dataflow.Engine", "Changed.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllTextAsync(dll, "", Ct);
        await File.WriteAllTextAsync(source, "", Ct);
        var calls = Path.Combine(_root, "dotnet-calls");
        var bin = Path.Combine(_root, "bin");
        Directory.CreateDirectory(bin);
        await File.WriteAllTextAsync(Path.Combine(bin, "dotnet"), $"#!/bin/bash\necho \"$*\" >> '{calls}'\nexit 3\n", Ct);
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string?>
        {
            ["DATAFLOW_RUN_DIR"] = RunDir,
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
        };

        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddHours(-1));
        var stale = await ProcessRunner.RunAsync("bash", [script, "start", "1"], repo, environment, CommandTimeout, Ct);

        Assert.True(stale.ExitCode == 1, stale.ToString());
        Assert.Contains("older than engine/Dataflow.Engine/Changed.cs", stale.Stderr, StringComparison.Ordinal);
        Assert.Contains("building the worker failed", stale.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("build -c Release", (await File.ReadAllLinesAsync(calls, Ct)).Single(), StringComparison.Ordinal);

        // Up to date: no build; the (fake) worker is started and fails at once.
        File.Delete(calls);
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddHours(1));
        var current = await ProcessRunner.RunAsync("bash", [script, "start", "1"], repo, environment, CommandTimeout, Ct);

        Assert.True(current.ExitCode == 1, current.ToString());
        Assert.DoesNotContain("building", current.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(await File.ReadAllLinesAsync(calls, Ct), c => c.StartsWith("build", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        // A failed test must not leave workers running.
        if (Directory.Exists(RunDir))
        {
            await ScriptAsync(CommandTimeout, "stop");
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task<ProcessResult> ScriptAsync(TimeSpan timeout, params string[] args) => ScriptAsync(timeout, [], args);

    private Task<ProcessResult> ScriptAsync(TimeSpan timeout, Dictionary<string, string?> environment, params string[] args)
    {
        var repo = Repository.Root();
        environment["DATAFLOW_RUN_DIR"] = RunDir;
        return ProcessRunner.RunAsync("bash", [Path.Combine(repo, "cluster-config", "local-cluster.sh"), .. args], repo,
            environment, timeout, CancellationToken.None);
    }

    private async Task<IReadOnlySet<int>> WaitForEvictionAsync(int gatewayPort, int evictedSiloPort)
    {
        var deadline = Stopwatch.StartNew();
        await using var probe = await MembershipProbe.ConnectAsync(gatewayPort, Ct);
        IReadOnlySet<int>? active = null;
        Exception? lastError = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                active = await probe.ActiveSiloPortsAsync();
                if (!active.Contains(evictedSiloPort))
                {
                    return active;
                }
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // Until the eviction, a call may be routed through the dead silo.
                lastError = e;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }

        Assert.Fail($"silo port {evictedSiloPort} still active after 60 s; active: [{string.Join(", ", active ?? new HashSet<int>())}]; last error: {lastError?.Message}");
        return active!;
    }

    private void AssertIsWorkerOfThisRun(int pid)
    {
        var commandLine = ProcessTable.CommandLine(pid);
        Assert.True(commandLine is not null, $"pid {pid} is not running");
        Assert.Contains("Dataflow.Worker", commandLine, StringComparison.Ordinal);
        Assert.Contains(RunDir, commandLine, StringComparison.Ordinal);
    }

    private static (int Pid, string Silo, int SiloPort, string State) ParseStatusLine(string line)
    {
        var match = StatusLine().Match(line);
        Assert.True(match.Success, $"not a status line: '{line}'");
        return (Number(match.Groups[1]), match.Groups[2].Value, Number(match.Groups[3]), match.Groups[4].Value);
    }

    private static int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    private static async Task<bool> AcceptsTcpAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string failure)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(elapsed.Elapsed < limit, failure);
            await Task.Delay(TimeSpan.FromMilliseconds(50), Ct);
        }
    }

    [GeneratedRegex(@"^orleans://127\.0\.0\.1:(\d+),127\.0\.0\.1:(\d+)$")]
    private static partial Regex TwoGatewayUrl();

    [GeneratedRegex(@"^(\d+) (127\.0\.0\.1:(\d+)) (active|joining|dead)$")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^local-cluster\.sh: primary: (\d+) 127\.0\.0\.1:(\d+) active$", RegexOptions.Multiline)]
    private static partial Regex PrimaryStatusLine();
}
