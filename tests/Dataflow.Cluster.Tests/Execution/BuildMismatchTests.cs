using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Task binaries name engine methods by metadata token, so a driver must not give tasks to workers of another build
/// (a Debug driver and Release workers, or workers left from an older build): it refuses them at once, saying why
/// and what to do. A cluster of its own, since its workers pretend to be stale.
/// </summary>
public sealed class BuildMismatchTests : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new("stale");

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task WorkersOfAnotherBuild_AreRefusedAtOnceWithAdvice()
    {
        foreach (var silo in _cluster.Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            silo.SiloHost.Services.GetRequiredService<WorkerExecutor>().Build = "Debug build 00000000, protocol 1";
        }

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<ClusterUnavailableException>(async () =>
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master });
        });

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"refused only after {DateTime.UtcNow - started}");
        Assert.Contains("run another build of Dataflow (Debug build 00000000, protocol 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains(WireProtocol.Build, error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet run -c Release", error.Message, StringComparison.Ordinal);
    }
}
