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

    /// <summary>
    /// The cluster key: a driver must prove it holds the workers' key (an HMAC challenge-response when it registers its
    /// application; the key itself never travels) before a worker accepts its assemblies or tasks. At least 16
    /// characters; generate one with <c>openssl rand -hex 32</c>. Prefer <see cref="KeyFile"/>, which keeps the key out of
    /// process listings and environment dumps. Default null: no key, and a worker then listens on loopback only.
    /// </summary>
    [OptionDescription("Cluster: the cluster key drivers must prove they hold (prefer KeyFile).", DefaultText = "(none: workers listen on loopback only)")]
    public string? Key { get; set; }

    /// <summary>
    /// A file holding the cluster key (its text, surrounding whitespace ignored), readable by its owner only
    /// (<c>chmod 600</c>); a file that other users can read is refused. Default null.
    /// </summary>
    [OptionDescription("Cluster: file holding the cluster key, mode 600.", DefaultText = "(none)")]
    public string? KeyFile { get; set; }

    /// <summary>
    /// TLS on every connection between workers and drivers: a PKCS#12 (.pfx) file holding the cluster's certificate
    /// and its private key, the same file on every node; a node accepts only peers presenting that certificate.
    /// Default null: no TLS.
    /// </summary>
    [OptionDescription("Cluster: PKCS#12 certificate (with key) for TLS between all nodes.", DefaultText = "(none: no TLS)")]
    public string? TlsCertificate { get; set; }

    /// <summary>The password of <see cref="TlsCertificate"/>. Default null (none).</summary>
    [OptionDescription("Cluster: password of the TLS certificate file.", DefaultText = "(none)")]
    public string? TlsCertificatePassword { get; set; }
}
