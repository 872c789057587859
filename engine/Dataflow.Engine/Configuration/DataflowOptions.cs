namespace Dataflow.Configuration;

/// <summary>
/// Every engine option, bound from the <c>Dataflow</c> configuration section: keys <c>Dataflow:&lt;Section&gt;:&lt;Key&gt;</c>
/// from code, <c>--conf</c>, <c>DATAFLOW__SECTION__KEY</c> environment variables or a JSON file (see
/// <see cref="DataflowConfiguration.Load"/>). <see cref="OptionsRegistry"/> lists them all.
/// </summary>
/// <remarks>
/// Adding a section is one class: an options class marked <c>[OptionsSection(typeof(ItsValidator))]</c> whose
/// properties carry <see cref="OptionDescriptionAttribute"/>, plus its property here. Registry, loading, validation,
/// help and the README table find it by reflection.
/// </remarks>
[OptionsSection(typeof(DataflowOptionsValidator))]
public sealed class DataflowOptions
{
    /// <summary>The configuration section all keys live under.</summary>
    public const string SectionName = "Dataflow";

    /// <summary>
    /// The cluster: <c>local</c>, <c>local[N]</c>, <c>local[*]</c> or <c>orleans://host:port[,host:port...]</c>.
    /// Default null: the <c>DATAFLOW_MASTER</c> environment variable, else <c>local[*]</c>.
    /// </summary>
    /// <remarks>Spark: spark.master</remarks>
    [OptionDescription("Cluster: local, local[N], local[*] or orleans://host:port[,host:port...].",
        DefaultText = "local[*]")]
    public string? Master { get; set; }

    /// <summary>Application name shown in logs, the UI and the event log. Default <c>dataflow</c>.</summary>
    /// <remarks>Spark: spark.app.name</remarks>
    [OptionDescription("Application name shown in logs and the UI.")]
    public string AppName { get; set; } = "dataflow";

    /// <summary>Task retries and placement (<c>Dataflow:Scheduler</c>).</summary>
    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>Executor resources (<c>Dataflow:Executor</c>).</summary>
    public ExecutorOptions Executor { get; set; } = new();

    /// <summary>Shuffle files (<c>Dataflow:Shuffle</c>).</summary>
    public ShuffleOptions Shuffle { get; set; } = new();

    /// <summary>How broadcast values reach a cluster's executors (<c>Dataflow:Broadcast</c>).</summary>
    public BroadcastOptions Broadcast { get; set; } = new();

    /// <summary>Worker silo settings (<c>Dataflow:Worker</c>); read by <c>Dataflow.Worker</c> only.</summary>
    public WorkerOptions Worker { get; set; } = new();
}
