using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Dataflow.Cluster.Tests.Scripts;

/// <summary>
/// An Orleans client connected to one gateway only, asking that silo for the cluster's membership: the management
/// grain is a stateless worker, so it runs on the silo the client talks to and answers with that silo's view.
/// </summary>
internal sealed class MembershipProbe : IAsyncDisposable
{
    private readonly IHost _host;

    private MembershipProbe(IHost host) => _host = host;

    public static async Task<MembershipProbe> ConnectAsync(int gatewayPort, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "dataflow";
                o.ServiceId = WorkerSiloBuilderExtensions.ServiceId;
            })
            // A call that lands on a dead silo fails after this instead of the default 30 s.
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5)));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new MembershipProbe(host);
    }

    /// <summary>The silo ports of the silos the connected silo counts as active.</summary>
    public async Task<IReadOnlySet<int>> ActiveSiloPortsAsync()
    {
        var grain = _host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var hosts = await grain.GetHosts(onlyActive: true);
        return hosts.Where(h => h.Value == SiloStatus.Active).Select(h => h.Key.Endpoint.Port).ToHashSet();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
