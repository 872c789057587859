using Dataflow.CommandLine;
using Dataflow.Ui.Hosting;

namespace Dataflow.Ui.History;

/// <summary>
/// The history server: <c>history &lt;event-log-dir&gt; [--port P] [--host H]</c> serves the web UI and JSON API of
/// every application whose event log is in the directory, finished or running, until Ctrl-C. The <c>dataflow</c>
/// CLI's <c>history</c> command is this (<see cref="RunAsync"/> with the arguments after <c>history</c>).
/// </summary>
/// <remarks>Spark: HistoryServer (default port 18080)</remarks>
public static class HistoryCommand
{
    /// <summary>The port tried first.</summary>
    public const int DefaultPort = 18080;

    /// <summary>Runs the server; returns the exit code (0 after Ctrl-C, 2 for a usage error).</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="stdout">Where help goes.</param>
    /// <param name="stderr">Where the URL, warnings and errors go.</param>
    /// <param name="programName">The name in the usage line and messages: <c>history</c>, or <c>dataflow history</c> from the CLI.</param>
    /// <param name="started">Called with the URL once the server listens (tests); null for none.</param>
    /// <param name="cancellationToken">Stops the server, as Ctrl-C does.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr,
        string programName = "history", Action<Uri>? started = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var parser = new ArgumentParser(programName, "Serves the web UI and JSON API of the applications whose event logs are in a directory.");
        var directory = parser.AddPositional<string>("event-log-dir", "directory of event logs (--event-log DIR of the drivers)");
        var port = parser.Add("port", DefaultPort, "first port tried; the next free one is taken when it is busy; 0: any free port", valueName: "PORT");
        var host = parser.Add("host", "127.0.0.1", "address to listen on; 0.0.0.0 for every interface", valueName: "ADDRESS");
        try
        {
            var parsed = parser.Parse(args);
            if (parsed.HelpRequested)
            {
                await stdout.WriteAsync(parsed.HelpText).ConfigureAwait(false);
                return 0;
            }

            var path = Path.GetFullPath(parsed.Get(directory));
            if (!Directory.Exists(path))
            {
                throw new UsageException($"Event-log directory '{path}' does not exist; give the directory the drivers' --event-log wrote to.");
            }

            if (parsed.Get(port) is < 0 or > 65535)
            {
                throw new UsageException($"--port must be a port from 0 to 65535, got {parsed.Get(port)}.");
            }

            if (!System.Net.IPAddress.TryParse(parsed.Get(host), out _) && parsed.Get(host) != "localhost")
            {
                throw new UsageException($"--host must be an IP address such as 127.0.0.1, got '{parsed.Get(host)}'.");
            }

            var warned = new HashSet<string>();
            var source = new HistoryAppSource(path, message =>
            {
                lock (warned)
                {
                    if (warned.Add(message))
                    {
                        stderr.WriteLine($"{programName}: warning: {message}");
                    }
                }
            });
            await using var server = await UiServer.StartAsync(source, history: true, parsed.Get(host), parsed.Get(port), 16,
                handleCtrlC: true, cancellationToken).ConfigureAwait(false);
            await stderr.WriteLineAsync($"{programName}: serving {path} at {server.Url}").ConfigureAwait(false);
            started?.Invoke(server.Url);
            try
            {
                await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped by the caller: a normal end.
            }

            return 0;
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"{programName}: {e.Message}").ConfigureAwait(false);
            return UsageException.ExitCode;
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"{programName}: {e.Message}").ConfigureAwait(false);
            return UsageException.ExitCode;
        }
    }
}
