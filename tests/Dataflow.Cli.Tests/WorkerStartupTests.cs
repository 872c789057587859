using System.Diagnostics;
using System.Reflection;
using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cli.Tests;

/// <summary>
/// The worker the tool carries refuses settings that would expose it or that cannot work, and says why: reachable
/// from other machines without a cluster key, a key file others can read, a Redis server that does not answer (it
/// exits instead of lingering).
/// </summary>
[Collection("processes")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkerStartupTests : IDisposable
{
    private static readonly string s_configuration = typeof(WorkerStartupTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private readonly string _dir = Directory.CreateTempSubdirectory("dataflow-worker-start-").FullName;

    private static string Worker => Path.Combine(Repository.Root(), "engine", "Dataflow.Cli", "bin", s_configuration, "net10.0", "worker", "Dataflow.Worker.dll");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NonLoopbackAddressWithoutKey_IsAUsageErrorNamingTheKeyOption()
    {
        var result = await WorkerAsync(["--conf", "Dataflow:Cluster:Membership=redis", "--conf", "Dataflow:Cluster:RedisConnection=127.0.0.1:1", "--conf", "Dataflow:Cluster:AdvertisedAddress=10.1.2.3"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Dataflow:Cluster:AdvertisedAddress=10.1.2.3", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("set Dataflow:Cluster:KeyFile", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("dataflow-worker ready", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyFileOthersCanRead_IsAUsageErrorSayingChmod600()
    {
        var key = Path.Combine(_dir, "cluster.key");
        File.WriteAllText(key, "a-key-of-enough-length-0123456789");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var result = await WorkerAsync(["--conf", $"Dataflow:Cluster:KeyFile={key}"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"run chmod 600 {key}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableRedis_ExitsWith1AfterSayingSo()
    {
        var clock = Stopwatch.StartNew();
        var result = await WorkerAsync(["--conf", "Dataflow:Cluster:Membership=redis", "--conf", $"Dataflow:Cluster:RedisConnection=127.0.0.1:{ClosedPort()}",
            "--conf", "Dataflow:Cluster:AdvertisedAddress=127.0.0.1", "--silo-port", ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--gateway-port", ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--local-dir", _dir]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("the silo failed to start", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("dataflow-worker ready", result.Stderr, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"worker with an unreachable Redis exited after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private Task<ProcessResult> WorkerAsync(string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Worker, .. args], _dir, new Dictionary<string, string?>(), TimeSpan.FromMinutes(2), Ct);

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
