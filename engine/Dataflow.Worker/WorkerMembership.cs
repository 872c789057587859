using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Dataflow.Cluster;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Orleans.Configuration;

namespace Dataflow.Worker;

/// <summary>
/// How the silo joins its cluster: development clustering on 127.0.0.1 (a primary silo keeps the table), or Redis
/// (<c>Dataflow:Cluster:Membership=redis</c>), where the silo advertises <c>Dataflow:Cluster:AdvertisedAddress</c> (else
/// this machine's first non-loopback IPv4 address) and listens on every address. A worker without a cluster key
/// (<c>Dataflow:Cluster:Key</c> or <c>KeyFile</c>) admits any driver, so it listens on loopback only: with Redis it then
/// advertises 127.0.0.1, and an advertised address that is not a loopback one is refused.
/// </summary>
internal static class WorkerMembership
{
    /// <summary>Checks what the options cannot check alone; throws a usage error naming the keys.</summary>
    public static void Validate(DataflowOptions options)
    {
        if (options.Cluster.Membership == ClusterMembership.Redis && !string.IsNullOrEmpty(options.Worker.PrimarySilo))
        {
            throw new UsageException("--primary (Dataflow:Worker:PrimarySilo) is for development membership; with Dataflow:Cluster:Membership=redis there is no primary silo: remove it");
        }

        try
        {
            _ = Dataflow.Cluster.Security.ClusterKey.Load(options.Cluster);
            Dataflow.Cluster.Security.ClusterTls.Load(options.Cluster)?.Dispose();
        }
        catch (DataflowConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }

        if (!HasKey(options) && options.Cluster.AdvertisedAddress is { } address && !IPAddress.IsLoopback(IPAddress.Parse(address)))
        {
            throw new UsageException($"Dataflow:Cluster:AdvertisedAddress={address} would let other machines reach this worker, which without a cluster key runs any driver's code: set Dataflow:Cluster:KeyFile (a file of mode 600 holding e.g. the output of openssl rand -hex 32; or Dataflow:Cluster:Key) on every worker and driver, or leave the worker on loopback");
        }
    }

    /// <summary>Whether the worker has a cluster key (without one it listens on loopback only).</summary>
    public static bool HasKey(DataflowOptions options) => options.Cluster.Key is not null || options.Cluster.KeyFile is not null;

    /// <summary>The address the silo is known by.</summary>
    public static IPAddress AdvertisedAddress(DataflowOptions options) =>
        options.Cluster.AdvertisedAddress is { } configured ? IPAddress.Parse(configured)
        : options.Cluster.Membership == ClusterMembership.Redis && HasKey(options) ? FirstHostAddress() ?? IPAddress.Loopback
        : IPAddress.Loopback;

    public static void Configure(ISiloBuilder silo, DataflowOptions options, IPEndPoint? primary)
    {
        var worker = options.Worker;
        if (options.Cluster.Membership != ClusterMembership.Redis)
        {
            silo.UseLocalhostClustering(worker.SiloPort, worker.GatewayPort, primary, WorkerSiloBuilderExtensions.ServiceId, worker.ClusterId);
            return;
        }

        var address = AdvertisedAddress(options);
        silo.ConfigureEndpoints(address, worker.SiloPort, worker.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = worker.ClusterId;
            o.ServiceId = WorkerSiloBuilderExtensions.ServiceId;
        });
        silo.UseDataflowRedisMembership(options.Cluster.RedisConnection!);
    }

    private static IPAddress? FirstHostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
