using Dataflow.Scheduling;
using Dataflow.Ui.Hosting;
using Dataflow.Ui.Model;

namespace Dataflow.Ui;

/// <summary>
/// The driver's web UI (jobs, stages with their DAG, tasks, executors, cached RDDs, and the JSON API under
/// <c>/api/v1</c>) for the application of one context. Start it before the context and hand the context its
/// <see cref="Listeners"/>, so that it sees the application from its first event; dispose it after the context.
/// </summary>
/// <example><code>
/// await using var ui = await DriverUi.StartAsync(options.Section&lt;UiOptions&gt;(), Console.Error, "MyApp");
/// await using var ctx = new DataflowContext(options, listeners: ui.Listeners);
/// </code></example>
/// <remarks>Spark: SparkUI</remarks>
public sealed class DriverUi : IAsyncDisposable
{
    private readonly UiServer? _server;
    private readonly IAsyncDisposable? _progress;

    private DriverUi(UiServer? server, IReadOnlyList<IDataflowListener> listeners, IAsyncDisposable? progress)
    {
        _server = server;
        Listeners = listeners;
        _progress = progress;
    }

    /// <summary>Where the UI answers (<c>http://127.0.0.1:4040/</c>), or null when it is disabled or could not bind.</summary>
    public Uri? Url => _server?.Url;

    /// <summary>The listeners to give the context (<c>new DataflowContext(options, listeners: ui.Listeners)</c>).</summary>
    public IReadOnlyList<IDataflowListener> Listeners { get; }

    /// <summary>
    /// Starts the web UI when <see cref="UiOptions.Enabled"/> (on the first free port from <see cref="UiOptions.Port"/>;
    /// the URL goes to <paramref name="log"/>) and the console progress when <see cref="UiOptions.ConsoleProgress"/> and
    /// standard error is a terminal.
    /// </summary>
    /// <param name="options">The <c>Dataflow:Ui</c> settings.</param>
    /// <param name="log">Where the URL line goes (standard error).</param>
    /// <param name="programName">Starts the URL line: <c>WordCount: web UI at http://...</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<DriverUi> StartAsync(UiOptions options, TextWriter log, string programName,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var listeners = new List<IDataflowListener>();
        UiServer? server = null;
        if (options.Enabled)
        {
            var model = new AppModel(options.RetainedJobs);
            try
            {
                server = await UiServer.StartAsync(new LiveAppSource(model), history: false, options.Host, options.Port,
                    options.MaxPortRetries, handleCtrlC: false, cancellationToken).ConfigureAwait(false);
                listeners.Add(new LiveEventFeed(model));
                await log.WriteLineAsync($"{programName}: web UI at {server.Url}").ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // The job matters more than its UI: say why there is none and go on.
                await log.WriteLineAsync($"{programName}: web UI not started: {e.Message}").ConfigureAwait(false);
            }
        }

        IAsyncDisposable? progress = null;
        if (options.ConsoleProgress && Progress.ConsoleProgress.CreateForStandardError() is { } bar)
        {
            listeners.Add(bar);
            progress = bar;
        }

        return new DriverUi(server, listeners, progress);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_progress is not null)
        {
            await _progress.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
