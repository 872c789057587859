using Dataflow.CommandLine;
using Dataflow.Configuration;

namespace Dataflow.Ui;

/// <summary>The handles of <c>--ui-port</c>, <c>--no-ui</c> and <c>--no-progress</c>; made by <see cref="DriverUiCommandLine.AddDriverUiOptions"/>.</summary>
public sealed class DriverUiFlags
{
    private readonly string _programName;

    internal DriverUiFlags(ArgumentParser parser)
    {
        _programName = parser.ProgramName;
        UiPort = parser.Add<int?>("ui-port",
            "first port of the web UI; the next free one is taken when it is busy; 0: any free port (default 4040; sets Dataflow:Ui:Port)",
            valueName: "PORT");
        NoUi = parser.AddFlag("no-ui", "do not serve the web UI (sets Dataflow:Ui:Enabled=false)");
        NoProgress = parser.AddFlag("no-progress", "no live stage progress on stderr (sets Dataflow:Ui:ConsoleProgress=false)");
    }

    /// <summary><c>--ui-port PORT</c>.</summary>
    public Option<int?> UiPort { get; }

    /// <summary><c>--no-ui</c>.</summary>
    public Option<bool> NoUi { get; }

    /// <summary><c>--no-progress</c>.</summary>
    public Option<bool> NoProgress { get; }

    /// <summary>The <c>Dataflow:Ui</c> section of <paramref name="options"/> with the flags applied.</summary>
    /// <exception cref="UsageException"><c>--ui-port</c> is not a port.</exception>
    public UiOptions Resolve(ParseResult parsed, DataflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(options);
        var bound = options.Section<UiOptions>();
        var port = parsed.Get(UiPort);
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"--ui-port must be a port from 0 to 65535, got {port}.");
        }

        return new UiOptions
        {
            Enabled = bound.Enabled && !parsed.Get(NoUi),
            Host = bound.Host,
            Port = port ?? bound.Port,
            MaxPortRetries = bound.MaxPortRetries,
            ConsoleProgress = bound.ConsoleProgress && !parsed.Get(NoProgress),
            RetainedJobs = bound.RetainedJobs,
        };
    }

    /// <summary><see cref="DriverUi.StartAsync"/> with <see cref="Resolve"/>, announcing the URL on standard error.</summary>
    public Task<DriverUi> StartAsync(ParseResult parsed, DataflowOptions options, CancellationToken cancellationToken = default) =>
        DriverUi.StartAsync(Resolve(parsed, options), Console.Error, _programName, cancellationToken);
}
