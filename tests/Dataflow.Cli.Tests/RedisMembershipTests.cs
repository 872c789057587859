using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cli.Tests;

/// <summary>
/// Redis membership with real processes: a Redis server this test starts (installed by .ci/run; data in a temp
/// directory, a loopback port, run as the redis user), two workers of the tool's own build with
/// <c>Dataflow:Cluster:Membership=redis</c>, and WordCount submitted to <c>orleans+redis://</c>. With no primary silo,
/// killing a worker (SIGKILL) leaves a cluster that runs the next job right, and a worker started later joins and gets
/// tasks.
/// </summary>
[Collection("processes")]
public sealed class RedisMembershipTests : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private static readonly string s_configuration = typeof(RedisMembershipTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-redis-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Dictionary<string, string?> _env = new() { ["DATAFLOW_MASTER"] = null };
    private readonly List<Process> _processes = [];
    private readonly string _clusterId = "redis-test-" + Guid.NewGuid().ToString("N")[..8];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ToolDirectory => Path.Combine(Repository.Root(), "engine", "Dataflow.Cli", "bin", s_configuration, "net10.0");

    private static string Austen => Path.Combine(AppContext.BaseDirectory, "data", "austen.txt");

    [Fact]
    public async Task RedisMembership_WorkerKilledAndAnotherJoining_JobsStayRightAndTheNewWorkerGetsTasks()
    {
        var redisServer = FindOnPath("redis-server");
        if (redisServer is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "redis-server is not installed; .ci/run installs it with apt-get");
            Assert.Skip("redis-server is not installed (apt-get install redis-server; .ci/run does)");
        }

        Directory.CreateDirectory(_dir);
        var redisPort = await StartRedisAsync(redisServer);
        var master = $"orleans+redis://127.0.0.1:{redisPort}";
        var app = Path.Combine(Repository.Root(), "examples", "WordCount", "bin", s_configuration, "net10.0", "WordCount.dll");

        var first = await StartWorkerAsync(1, redisPort);
        await StartWorkerAsync(2, redisPort);
        await WaitForWorkersAsync(master, 2);

        var local = await ProcessRunner.RunAsync("dotnet", ["exec", app, "--master", "local[2]", "--input", Austen, "--top", "25"], _dir, _env, s_timeout, Ct);
        Assert.True(local.ExitCode == 0, local.ToString());
        var before = await SubmitAsync(master, app, "--input", Austen, "--top", "25");
        Assert.True(before.ExitCode == 0, before + Logs());
        Assert.Equal(local.Stdout, before.Stdout);

        first.Kill();
        await first.WaitForExitAsync(Ct);
        var after = await SubmitAsync(master, app, "--input", Austen, "--top", "25");
        Assert.True(after.ExitCode == 0, after + Logs());
        Assert.Equal(local.Stdout, after.Stdout);

        await StartWorkerAsync(3, redisPort);
        var third = await WaitForWorkersAsync(master, 2, mustInclude: "worker-3");
        // A job long enough to reach every worker: 300 hard links to the 4 MB text. The new worker must run some of its
        // tasks; then the job is interrupted.
        var big = Path.Combine(_dir, "big");
        Directory.CreateDirectory(big);
        File.Copy(Austen, Path.Combine(big, "part-000.txt"));
        var links = await ProcessRunner.RunAsync("bash", ["-c", "for i in $(seq -w 1 299); do ln part-000.txt part-$i.txt || exit 1; done"], big, _env, s_timeout, Ct);
        Assert.True(links.ExitCode == 0, links.ToString());
        var job = StartProcess("dotnet", ["exec", Path.Combine(ToolDirectory, "Dataflow.Cli.dll"), "submit", "--master", master, "--conf", $"Dataflow:Worker:ClusterId={_clusterId}", app, "--input", big], Path.Combine(_dir, "big-job.log"));
        var watch = Stopwatch.StartNew();
        while (!await RunsTasksAsync(master, third))
        {
            Assert.False(job.HasExited, "the job ended before the new worker ran a task" + Logs());
            Assert.True(watch.Elapsed < s_timeout, "the new worker got no task" + Logs());
            await Task.Delay(200, Ct);
        }
    }

    private async Task<ProcessResult> SubmitAsync(string master, string app, params string[] appArgs) =>
        await ProcessRunner.RunAsync("dotnet", ["exec", Path.Combine(ToolDirectory, "Dataflow.Cli.dll"), "submit", "--master", master, "--conf", $"Dataflow:Worker:ClusterId={_clusterId}", app, .. appArgs], _dir, _env, s_timeout, Ct);

    private async Task<JsonElement[]> WorkersAsync(string master)
    {
        var result = await ProcessRunner.RunAsync("dotnet", ["exec", Path.Combine(ToolDirectory, "Dataflow.Cli.dll"), "workers", "--master", master, "--json", "--conf", $"Dataflow:Worker:ClusterId={_clusterId}"], _dir, _env, s_timeout, Ct);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        return [.. document.RootElement.GetProperty("workers").EnumerateArray().Select(w => w.Clone())];
    }

    /// <summary>Waits until at least <paramref name="count"/> workers answer (and the named one among them); returns its address.</summary>
    private async Task<string?> WaitForWorkersAsync(string master, int count, string? mustInclude = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var answering = (await WorkersAsync(master)).Where(w => w.TryGetProperty("slots", out _)).Select(w => w.GetProperty("address").GetString()!).ToList();
            var wanted = mustInclude is null ? null : _ports[mustInclude];
            var named = wanted is null ? null : answering.FirstOrDefault(a => a.EndsWith(":" + wanted.Value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            if (answering.Count >= count && (mustInclude is null || named is not null))
            {
                return named;
            }

            Assert.True(watch.Elapsed < s_timeout, $"workers answering: {string.Join(", ", answering)}" + Logs());
            await Task.Delay(500, Ct);
        }
    }

    private async Task<bool> RunsTasksAsync(string master, string? address) =>
        (await WorkersAsync(master)).Any(w => w.GetProperty("address").GetString() == address
            && w.TryGetProperty("runningTasks", out var running) && running.GetInt32() > 0);

    private readonly Dictionary<string, int?> _ports = [];

    private async Task<Process> StartWorkerAsync(int n, int redisPort)
    {
        var name = $"worker-{n}";
        var (silo, gateway) = (FreePort(), FreePort());
        _ports[name] = silo;
        var log = Path.Combine(_dir, name + ".log");
        var process = StartProcess("dotnet", [Path.Combine(ToolDirectory, "worker", "Dataflow.Worker.dll"),
            "--silo-port", silo.ToString(CultureInfo.InvariantCulture), "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture),
            "--slots", "2", "--local-dir", Path.Combine(_dir, name), "--cluster-id", _clusterId,
            "--conf", "Dataflow:Cluster:Membership=redis", "--conf", $"Dataflow:Cluster:RedisConnection=127.0.0.1:{redisPort}",
            "--conf", "Dataflow:Cluster:AdvertisedAddress=127.0.0.1"], log);
        var watch = Stopwatch.StartNew();
        // The shell creates the log only once it runs; until then it reads as empty (the messages below are built on
        // every pass, not only when an assertion fails).
        async Task<string> LogText() => File.Exists(log) ? await File.ReadAllTextAsync(log, Ct) : "";
        while (!(await LogText()).Contains("dataflow-worker ready", StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"{name} exited: {await LogText()}");
            Assert.True(watch.Elapsed < s_timeout, $"{name} was not ready: {await LogText()}");
            await Task.Delay(200, Ct);
        }

        return process;
    }

    private async Task<int> StartRedisAsync(string redisServer)
    {
        var port = FreePort();
        var data = Path.Combine(_dir, "redis");
        Directory.CreateDirectory(data);
        string[] args = ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", data, "--daemonize", "no", "--save", "", "--appendonly", "no"];
        // Redis refuses nothing as root, but runs as its own user where there is one (CI runs as root).
        var asRedis = Environment.UserName == "root" && FindOnPath("runuser") is not null && Directory.Exists("/var/lib/redis");
        if (asRedis)
        {
            await ProcessRunner.RunAsync("chown", ["redis", data], _dir, _env, s_timeout, Ct);
        }

        var log = Path.Combine(_dir, "redis.log");
        _ = asRedis ? StartProcess("runuser", ["-u", "redis", "--", redisServer, .. args], log) : StartProcess(redisServer, args, log);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, Ct);
                return port;
            }
            catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    /// <summary>Starts a process with its output appended to <paramref name="log"/>; it is killed when the test ends.</summary>
    private Process StartProcess(string file, string[] args, string log)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("bash");
        info.ArgumentList.Add(file);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["LOG"] = log;
        info.Environment.Remove("DATAFLOW_MASTER");
        var process = Process.Start(info)!;
        _processes.Add(process);
        return process;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin")
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Logs() => !Directory.Exists(_dir) ? "" : string.Concat(
        Directory.GetFiles(_dir, "*.log").Select(f => $"\n--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(15))}"));

    public async ValueTask DisposeAsync()
    {
        // The job's processes first (the tool, then what it started), then workers, then Redis.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
