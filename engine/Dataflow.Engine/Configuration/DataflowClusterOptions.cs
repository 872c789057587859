namespace Dataflow.Configuration;

/// <summary>
/// How the nodes of a cluster find each other; bound from <c>Dataflow:Cluster</c>. Read by workers
/// (<c>engine/Dataflow.Worker</c>); a driver uses Redis when its master is <c>orleans+redis://host:port[/db]</c>.
/// </summary>
[OptionsSection(typeof(DataflowClusterOptionsValidator))]
public sealed class DataflowClusterOptions
{
    /// <summary>The membership store. Default <see cref="ClusterMembership.Development"/> (a primary silo).</summary>
    [OptionDescription("Cluster: membership store, development (a primary silo) or redis.")]
    public ClusterMembership Membership { get; set; } = ClusterMembership.Development;

    /// <summary>
    /// The Redis server with <see cref="ClusterMembership.Redis"/>, as StackExchange.Redis configuration:
    /// <c>host:port</c>, optionally followed by options such as <c>,defaultDatabase=2,password=...</c>. Default null.
    /// </summary>
    [OptionDescription("Cluster: Redis server for membership=redis, host:port[,option=value...].", DefaultText = "(none)")]
    public string? RedisConnection { get; set; }

    /// <summary>
    /// The IP address a worker advertises to other silos and drivers (and listens on, with the wildcard address).
    /// Default null: 127.0.0.1 with development membership; with Redis, this machine's first non-loopback IPv4 address.
    /// </summary>
    [OptionDescription("Cluster: IP address a worker advertises to others.", DefaultText = "127.0.0.1 (development) or this machine's address (redis)")]
    public string? AdvertisedAddress { get; set; }
}
