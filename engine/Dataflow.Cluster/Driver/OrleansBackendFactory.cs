using System.Net;
using Dataflow.Execution;
using Dataflow.Scheduling.Backends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// Connects a <see cref="DataflowContext"/> with an <c>orleans://host:port[,host:port...]</c> master: an Orleans client
/// over the listed gateways (any of them may be down), then the <see cref="OrleansBackend"/>. Registered with the engine by the assembly's
/// <c>[assembly: ClusterBackend]</c> (ClusterBackendRegistration.cs).
/// </summary>
internal sealed class OrleansBackendFactory : IClusterBackendFactory
{
    /// <summary>Connection attempts, a second apart, before a context reports that the gateways do not answer.</summary>
    private const int ConnectAttempts = 5;

    /// <summary>How long a new context waits for a worker with task slots.</summary>
    private static readonly TimeSpan s_waitForWorkers = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Tests: a master URL (e.g. <c>orleans://shared:1</c>) mapped to the client of an in-process test cluster, used
    /// instead of connecting to the URL's gateways.
    /// </summary>
    internal static System.Collections.Concurrent.ConcurrentDictionary<string, IClusterClient> TestClients { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment) =>
        CreateAsync(context).GetAwaiter().GetResult();

    private static async Task<OrleansBackend> CreateAsync(DataflowContext context)
    {
        if (TestClients.TryGetValue(context.Master.Url, out var client))
        {
            return await OrleansBackend.StartAsync(context, client, ownedHost: null, s_waitForWorkers).ConfigureAwait(false);
        }

        var gateways = context.Master.Gateways.Select(Resolve).ToArray();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(context.LoggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.UseOrleansClient(orleans =>
        {
            orleans.UseStaticClustering(gateways);
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = context.Options.Worker.ClusterId;
                o.ServiceId = WorkerSiloBuilderExtensions.ServiceId;
            });
            // A task may run for hours; a lost worker fails its calls through membership, not through this timeout.
            orleans.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(12));
            // Without a cluster, say so within seconds rather than retrying for minutes.
            var attempts = 0;
            orleans.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (++attempts > ConnectAttempts)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"Cannot connect to the cluster at {context.Master}: {e.Message} Is it running (cluster-config/local-cluster.sh status)?", e);
        }

        return await OrleansBackend.StartAsync(context, host.Services.GetRequiredService<IClusterClient>(), host, s_waitForWorkers).ConfigureAwait(false);
    }

    private static IPEndPoint Resolve(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        var host = gateway[..colon].Trim('[', ']');
        var port = int.Parse(gateway[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return new IPEndPoint(address, port);
    }
}
