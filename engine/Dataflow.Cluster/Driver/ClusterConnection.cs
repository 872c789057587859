using System.Net;
using Dataflow.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// An Orleans client connected to a cluster master: the gateways an <c>orleans://host:port[,host:port...]</c> URL lists
/// (any of them may be down), or those the Redis server of an <c>orleans+redis://host:port[/db]</c> URL keeps. Drivers (<see cref="OrleansBackendFactory"/>) and the <c>dataflow workers</c> command connect
/// through it, so both follow the same membership rules.
/// </summary>
internal static class ClusterConnection
{
    /// <summary>Connection attempts, a second apart, before reporting that the gateways do not answer.</summary>
    public const int ConnectAttempts = 5;

    /// <summary>Starts a client host for <paramref name="master"/>; its <see cref="IClusterClient"/> is in its services.</summary>
    /// <param name="master">A cluster master.</param>
    /// <param name="options">The driver's options: <c>Dataflow:Worker:ClusterId</c>.</param>
    /// <param name="loggerFactory">Where the client logs.</param>
    /// <param name="responseTimeout">How long one call may take before it fails.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <returns>The started host; the caller stops and disposes it.</returns>
    /// <exception cref="ClusterUnavailableException">No gateway answered.</exception>
    public static async Task<IHost> ConnectAsync(Master master, DataflowOptions options, ILoggerFactory loggerFactory,
        TimeSpan responseTimeout, CancellationToken cancellationToken = default)
    {
        var gateways = master.Gateways.Select(Resolve).ToArray();
        var certificate = Security.ClusterTls.Load(options.Cluster);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        // The program owns its signals: the default console lifetime would take SIGTERM and SIGINT to stop this client
        // and leave the program running without a cluster.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.UseOrleansClient(orleans =>
        {
            if (master.RedisConfiguration is { } redis)
            {
                orleans.UseDataflowRedisMembership(redis);
            }
            else
            {
                orleans.UseStaticClustering(gateways);
            }

            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.Worker.ClusterId;
                o.ServiceId = WorkerSiloBuilderExtensions.ServiceId;
            });
            orleans.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            if (certificate is not null)
            {
                Security.ClusterTls.UseDataflowTls(orleans, certificate);
            }

            // Without a cluster, say so within seconds rather than retrying for minutes.
            var attempts = 0;
            orleans.UseConnectionRetryFilter(async (_, token) =>
            {
                if (++attempts > ConnectAttempts)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"Cannot connect to the cluster at {master}: {e.Message} Is it running (dataflow workers --master URL, or cluster-config/local-cluster.sh status)?", e);
        }

        return host;
    }

    /// <summary>A lifetime that handles no signal: the client lives as long as the program says.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
