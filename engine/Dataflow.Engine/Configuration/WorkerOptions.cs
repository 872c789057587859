namespace Dataflow.Configuration;

/// <summary>
/// How a worker silo (<c>engine/Dataflow.Worker</c>) joins the cluster; bound from <c>Dataflow:Worker</c>. Its task slots
/// and memory are <c>Dataflow:Executor:Cores</c> and <c>Dataflow:Executor:Memory</c>. Drivers read only <see cref="ClusterId"/>.
/// </summary>
[OptionsSection(typeof(WorkerOptionsValidator))]
public sealed class WorkerOptions
{
    /// <summary>The port silos talk to each other on. Default 11111.</summary>
    [OptionDescription("Worker: silo-to-silo port.")]
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port drivers (Orleans clients) connect to; what <c>orleans://host:port</c> names. Default 30000.</summary>
    [OptionDescription("Worker: gateway port drivers connect to.")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Development clustering: the <c>host:port</c> silo endpoint of the primary silo that keeps the membership table.
    /// Default null: this silo is the primary.
    /// </summary>
    [OptionDescription("Worker: primary silo endpoint host:port; empty means this silo is the primary.")]
    public string? PrimarySilo { get; set; }

    /// <summary>
    /// Whether this silo runs an executor. Default true; a silo that only keeps the membership table (the primary of
    /// <c>cluster-config/local-cluster.sh</c>) sets false, so killing any worker never takes the cluster down.
    /// </summary>
    [OptionDescription("Worker: whether this silo runs tasks (false for a membership-only primary).")]
    public bool HostsExecutor { get; set; } = true;

    /// <summary>
    /// The directory for the worker's shuffle files, spills, cached blocks and the job assemblies it was sent.
    /// Default null: <c>$TMPDIR/dataflow/worker-&lt;silo port&gt;</c>.
    /// </summary>
    [OptionDescription("Worker: directory for shuffle, spill and cache files.", DefaultText = "$TMPDIR/dataflow/worker-<silo port>")]
    public string? LocalDirectory { get; set; }

    /// <summary>
    /// How long a driver may stay unreachable before the worker drops its application — shuffle files, cached blocks,
    /// shipped assemblies — as a driver that crashed never says goodbye. Default 60 s.
    /// </summary>
    [OptionDescription("Worker: how long a driver may be unreachable before its application's files are removed.")]
    public TimeSpan DriverTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The Orleans cluster id; drivers and workers of one cluster must agree. Default <c>dataflow</c>.</summary>
    [OptionDescription("Cluster id shared by workers and drivers.")]
    public string ClusterId { get; set; } = "dataflow";
}
