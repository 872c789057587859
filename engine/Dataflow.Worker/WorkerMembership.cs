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
/// this machine's first non-loopback IPv4 address) and listens on every address.
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
    }

    /// <summary>The address the silo is known by.</summary>
    public static IPAddress AdvertisedAddress(DataflowOptions options) =>
        options.Cluster.AdvertisedAddress is { } configured ? IPAddress.Parse(configured)
        : options.Cluster.Membership == ClusterMembership.Redis ? FirstHostAddress() ?? IPAddress.Loopback
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
