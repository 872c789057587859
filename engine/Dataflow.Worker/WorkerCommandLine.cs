using System.Globalization;
using Dataflow.CommandLine;
using Dataflow.Configuration;

namespace Dataflow.Worker;

/// <summary>
/// The worker's command line. Each dedicated option is one configuration key, so the same setting can come from
/// <c>--conf</c>, <c>DATAFLOW__WORKER__SILOPORT</c>-style environment variables or the JSON file; a dedicated option
/// wins over <c>--conf</c> (as <c>--executor-memory</c> does for the examples), and code sets nothing.
/// </summary>
internal sealed class WorkerCommandLine
{
    /// <summary>The JSON file read when <c>--config</c> is absent and the file exists in the current directory.</summary>
    public const string DefaultConfigFile = "worker.appsettings.json";

    private const string WorkerSection = $"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Worker)}:";
    private const string ExecutorSection = $"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Executor)}:";

    private readonly ArgumentParser _parser = new("Dataflow.Worker",
        "Runs a Dataflow worker: an Orleans silo that joins a cluster and runs tasks for drivers. Logs go to standard "
        + "error; once the silo has joined, one line 'dataflow-worker ready pid=<pid> silo=<host:port> "
        + "gateway=<host:port>' is written there. SIGTERM or Ctrl-C shuts it down gracefully.")
    {
        IncludeConfigurationKeys = true,
    };

    private readonly Option<int> _siloPort;
    private readonly Option<int> _gatewayPort;
    private readonly Option<string?> _primary;
    private readonly Option<bool> _noExecutor;
    private readonly Option<int> _slots;
    private readonly Option<ByteSize?> _executorMemory;
    private readonly Option<string?> _localDir;
    private readonly Option<string> _clusterId;
    private readonly Option<string?> _config;
    private readonly Option<IReadOnlyList<string>> _conf;

    public WorkerCommandLine()
    {
        var defaults = new WorkerOptions();
        _siloPort = _parser.Add("silo-port", defaults.SiloPort, "port for silo-to-silo traffic (Dataflow:Worker:SiloPort)");
        _gatewayPort = _parser.Add("gateway-port", defaults.GatewayPort,
            "port drivers connect to, what orleans://host:port names (Dataflow:Worker:GatewayPort)");
        _primary = _parser.Add<string?>("primary",
            "silo endpoint of the primary silo that keeps the membership table; absent: this silo is the primary "
            + "(Dataflow:Worker:PrimarySilo)", valueName: "HOST:PORT");
        _noExecutor = _parser.AddFlag("no-executor",
            "run no executor: a membership-only primary (Dataflow:Worker:HostsExecutor=false)");
        _slots = _parser.Add("slots", new ExecutorOptions().Cores,
            "task slots; 0 means the processor count (Dataflow:Executor:Cores)");
        _executorMemory = _parser.Add<ByteSize?>("executor-memory",
            "memory for records, shuffle buffers and cache, e.g. 2g (Dataflow:Executor:Memory; default ¼ of available memory)");
        _localDir = _parser.Add<string?>("local-dir",
            "directory for shuffle, spill and cache files (Dataflow:Worker:LocalDirectory; default $TMPDIR/dataflow/worker-<silo port>)",
            valueName: "DIR");
        _clusterId = _parser.Add("cluster-id", defaults.ClusterId,
            "Orleans cluster id; drivers and workers must agree (Dataflow:Worker:ClusterId)", valueName: "ID");
        _config = _parser.Add<string?>("config",
            $"appsettings-style JSON file with a Dataflow section (default: ./{DefaultConfigFile} if it exists)",
            valueName: "FILE");
        // Values may contain commas, so pairs are split by SplitPairs rather than by the parser.
        _conf = _parser.AddList<string>("conf", "set a configuration key (keys listed below)", "KEY=VALUE",
            splitCommas: false);
    }

    /// <summary>Parses the command line and loads the options from every layer.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="helpText">Set when <c>--help</c> was given; the options are then null.</param>
    /// <returns>Validated options, or null when help was requested.</returns>
    /// <exception cref="UsageException">A bad option, value, key, JSON file or failed validation.</exception>
    public DataflowOptions? Load(IReadOnlyList<string> args, out string? helpText)
    {
        var parsed = _parser.Parse(args);
        if (parsed.HelpRequested)
        {
            helpText = parsed.HelpText;
            return null;
        }

        helpText = null;
        var jsonFile = parsed.Get(_config) ?? (File.Exists(DefaultConfigFile) ? DefaultConfigFile : null);
        try
        {
            return DataflowConfiguration.Load(ToConfPairs(parsed), jsonFile);
        }
        catch (DataflowConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    private List<KeyValuePair<string, string?>> ToConfPairs(ParseResult parsed)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var text in parsed.Get(_conf).SelectMany(StandardOptions.SplitPairs))
        {
            pairs.Add(DataflowConfiguration.ParseConfPair(text));
        }

        // After --conf, so that the dedicated options win over it.
        AddIfGiven(parsed, _siloPort, WorkerSection + nameof(WorkerOptions.SiloPort), pairs);
        AddIfGiven(parsed, _gatewayPort, WorkerSection + nameof(WorkerOptions.GatewayPort), pairs);
        AddIfGiven(parsed, _primary, WorkerSection + nameof(WorkerOptions.PrimarySilo), pairs);
        if (parsed.IsSpecified(_noExecutor))
        {
            pairs.Add(new(WorkerSection + nameof(WorkerOptions.HostsExecutor), parsed.Get(_noExecutor) ? "false" : "true"));
        }

        AddIfGiven(parsed, _slots, ExecutorSection + nameof(ExecutorOptions.Cores), pairs);
        AddIfGiven(parsed, _executorMemory, ExecutorSection + nameof(ExecutorOptions.Memory), pairs);
        if (parsed.Get(_localDir) is { } localDir)
        {
            // Absolute, so that the directory does not depend on where the worker happens to be started from.
            pairs.Add(new(WorkerSection + nameof(WorkerOptions.LocalDirectory),
                localDir.Length == 0 ? localDir : Path.GetFullPath(localDir)));
        }

        AddIfGiven(parsed, _clusterId, WorkerSection + nameof(WorkerOptions.ClusterId), pairs);
        return pairs;
    }

    private static void AddIfGiven<T>(ParseResult parsed, Option<T> option, string key,
        List<KeyValuePair<string, string?>> pairs)
    {
        if (parsed.IsSpecified(option))
        {
            pairs.Add(new(key, Format(parsed.Get(option))));
        }
    }

    private static string? Format(object? value) =>
        value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value?.ToString();
}
