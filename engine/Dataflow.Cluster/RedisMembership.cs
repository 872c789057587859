using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Dataflow.Cluster;

/// <summary>
/// Redis as the membership store (<c>Dataflow:Cluster:Membership=redis</c>, drivers: <c>orleans+redis://</c>): silos
/// write their rows there and drivers read the gateways from it, so there is no primary silo and any node may die.
/// </summary>
public static class RedisMembership
{
    /// <summary>How often a client re-reads the gateway list: new workers are found, dead ones dropped, within this.</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Makes a silo keep its membership in Redis. Rows of dead silos stay there unless cleaned up, so defunct rows
    /// older than <see cref="ClusterMembershipOptions.DefunctSiloExpiration"/> (1 h) are removed every 10 minutes.
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="configuration">StackExchange.Redis configuration, <c>host:port[,option=value...]</c>.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UseDataflowRedisMembership(this ISiloBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parsed = Parse(configuration);
        builder.UseRedisClustering(o => o.ConfigurationOptions = parsed);
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
            o.DefunctSiloExpiration = TimeSpan.FromHours(1);
        });
        return builder;
    }

    /// <summary>Makes a client (a driver) find the cluster's gateways in Redis and follow them.</summary>
    /// <param name="builder">The client.</param>
    /// <param name="configuration">StackExchange.Redis configuration, <c>host:port[,option=value...]</c>.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder UseDataflowRedisMembership(this IClientBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parsed = Parse(configuration);
        builder.UseRedisClustering(o => o.ConfigurationOptions = parsed);
        builder.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
        return builder;
    }

    private static ConfigurationOptions Parse(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            // Keep retrying while Redis restarts instead of failing the silo's start or a driver's connection at once.
            options.AbortOnConnectFail = false;
            return options;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Redis connection '{configuration}' is not valid StackExchange.Redis configuration (host:port[,option=value...]): {e.Message}", e);
        }
    }
}
