namespace Dataflow.Configuration;

/// <summary>
/// Every engine option, bound from the <c>Dataflow</c> configuration section: keys <c>Dataflow:&lt;Section&gt;:&lt;Key&gt;</c>
/// from code, <c>--conf</c>, <c>DATAFLOW__SECTION__KEY</c> environment variables or a JSON file (see
/// <see cref="DataflowConfiguration.Load"/>). <see cref="OptionsRegistry"/> lists them all.
/// </summary>
/// <remarks>
/// Adding an engine section is one class: an options class marked <c>[OptionsSection(typeof(ItsValidator))]</c> whose
/// properties carry <see cref="OptionDescriptionAttribute"/>, plus its property here. Registry, loading, validation,
/// help and the README table find it by reflection. A library adds its own section with
/// <see cref="OptionsRegistry.RegisterSection{TOptions}"/> and reads it with <see cref="Section{TOptions}"/>.
/// </remarks>
[OptionsSection(typeof(DataflowOptionsValidator))]
public sealed class DataflowOptions
{
    // Registered library sections, created with their defaults on first use (a key bound by Load creates it too).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> _sections = new();

    /// <summary>The configuration section all keys live under.</summary>
    public const string SectionName = "Dataflow";

    /// <summary>
    /// The cluster: <c>local</c>, <c>local[N]</c>, <c>local[*]</c> or <c>orleans://host:port[,host:port...]</c>.
    /// Default null: the <c>DATAFLOW_MASTER</c> environment variable, else <c>local[*]</c>.
    /// </summary>
    /// <remarks>Spark: spark.master</remarks>
    [OptionDescription("Cluster: local, local[N], local[*], orleans://host:port[,host:port...] or orleans+redis://host:port[/db].",
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

    /// <summary>Reliable checkpoint files (<c>Dataflow:Checkpoint</c>).</summary>
    public CheckpointOptions Checkpoint { get; set; } = new();

    /// <summary>The driver's event log (<c>Dataflow:EventLog</c>).</summary>
    public EventLogOptions EventLog { get; set; } = new();

    /// <summary>Driver logging of command-line programs (<c>Dataflow:Log</c>).</summary>
    public LogOptions Log { get; set; } = new();

    /// <summary>Worker silo settings (<c>Dataflow:Worker</c>); read by <c>Dataflow.Worker</c> only.</summary>
    public WorkerOptions Worker { get; set; } = new();

    /// <summary>How cluster nodes find each other (<c>Dataflow:Cluster</c>): membership store, Redis server.</summary>
    public DataflowClusterOptions Cluster { get; set; } = new();

    /// <summary>
    /// The bound values of a library's section registered with <see cref="OptionsRegistry.RegisterSection{TOptions}"/>:
    /// one object per options instance, holding the defaults until a key of the section is loaded or set. Set values
    /// in code through it (<c>code: o =&gt; o.Section&lt;MLOptions&gt;().MaxBlockSize = ...</c>), which wins over every
    /// other source.
    /// </summary>
    /// <example><code>var limit = ctx.Options.Section&lt;MLOptions&gt;().MaxBlockSize;</code></example>
    /// <typeparam name="TOptions">The registered options class.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="TOptions"/> is not registered.</exception>
    public TOptions Section<TOptions>() where TOptions : class, new() => (TOptions)GetSection(typeof(TOptions));

    internal object GetSection(Type type)
    {
        if (!OptionsRegistry.IsRegisteredSection(type))
        {
            throw new InvalidOperationException(
                $"{type.Name} is not a registered options section; call OptionsRegistry.RegisterSection<{type.Name}>(name) before loading options.");
        }

        return _sections.GetOrAdd(type, static t => Activator.CreateInstance(t)!);
    }
}
