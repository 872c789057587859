using System.Globalization;
using System.Reflection;
using Dataflow.CommandLine;

namespace Dataflow.Cli;

/// <summary>
/// The <c>dataflow</c> command: the first argument names a command (<c>submit</c>, <c>workers</c>, <c>cluster</c>, <c>history</c>), which
/// parses the rest with the engine's <see cref="ArgumentParser"/>; <c>--help</c> and <c>--version</c> stand alone.
/// </summary>
internal static class CliApp
{
    /// <summary>The program name in messages.</summary>
    public const string Name = "dataflow";

    /// <summary>Exit code when a command failed (a cluster that does not answer, a script that failed).</summary>
    public const int FailedExitCode = 1;

    private static readonly (string Name, string Summary)[] s_commands =
    [
        ("submit", "run an application's driver against a cluster (client mode)"),
        ("workers", "list a cluster's workers: slots, memory, tasks, shuffle bytes, applications, uptime"),
        ("cluster", "start, inspect or stop a cluster of worker processes on this machine"),
        ("history", "serve the web UI and JSON API of the applications in an event-log directory"),
    ];

    /// <summary>The tool's version and the engine build it drives, e.g. <c>dataflow 0.1.0 (Release build 1a2b3c4d, protocol 60102)</c>.</summary>
    public static string Version =>
        $"{Name} {typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown"} ({Dataflow.Cluster.WireProtocol.Build})";

    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">Results: help, the version, worker lists, the master URL.</param>
    /// <param name="stderr">Errors and progress.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0)
        {
            await stderr.WriteAsync($"{Name}: no command given\n{Usage}").ConfigureAwait(false);
            return UsageException.ExitCode;
        }

        var rest = args.Skip(1).ToArray();
        try
        {
            switch (args[0])
            {
                case "-h" or "--help" or "help":
                    await stdout.WriteAsync(Help).ConfigureAwait(false);
                    return 0;
                case "--version":
                    await stdout.WriteLineAsync(Version).ConfigureAwait(false);
                    return 0;
                case "submit":
                    return await SubmitCommand.RunAsync(rest, stdout, stderr).ConfigureAwait(false);
                case "workers":
                    return await WorkersCommand.RunAsync(rest, stdout, stderr).ConfigureAwait(false);
                case "cluster":
                    return await ClusterCommand.RunAsync(rest, stdout, stderr).ConfigureAwait(false);
                case "history":
                    return await Dataflow.Ui.History.HistoryCommand.RunAsync(rest, stdout, stderr, programName: $"{Name} history").ConfigureAwait(false);
                case var other when other.StartsWith('-'):
                    throw new UsageException($"unknown option {other}; options follow a command (see {Name} --help)");
                case var other:
                    throw new UsageException($"unknown command '{other}'; the commands are {string.Join(", ", s_commands.Select(c => c.Name))} (see {Name} --help)");
            }
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"{Name}: {e.Message}").ConfigureAwait(false);
            return UsageException.ExitCode;
        }
        catch (ClusterUnavailableException e)
        {
            await stderr.WriteLineAsync($"{Name}: {e.Message}").ConfigureAwait(false);
            return FailedExitCode;
        }
    }

    private static string Usage => $"Usage: {Name} <command> [options]   ({Name} --help lists the commands)\n";

    private static string Help
    {
        get
        {
            var text = new System.Text.StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"Usage: {Name} <command> [options]\n\nThe command-line tool of a Dataflow cluster.\n\nCommands:\n");
            foreach (var (name, summary) in s_commands)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {name,-10}{summary}\n");
            }

            return text.Append(CultureInfo.InvariantCulture, $"\nOptions:\n  {"--version",-12}print the tool's version and engine build\n  {"-h, --help",-12}show this help\n\n")
                .Append(CultureInfo.InvariantCulture, $"Run '{Name} <command> --help' for a command's options.\n")
                .ToString();
        }
    }
}
