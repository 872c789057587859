using Dataflow.Configuration;
using Dataflow.Diagnostics;
using Dataflow.IO;

namespace Dataflow.CommandLine;

/// <summary>
/// Runs a command-line program with the exit-code conventions: 0 success; 2 usage error or bad input (one line on
/// standard error); 1 the job failed (a one-line summary); 130 cancelled by Ctrl-C (the running action is cancelled
/// cleanly); 143 terminated by SIGTERM (cancelled the same way). Standard output is left to the program's results. While the program runs, contexts created without a
/// logger factory log to standard error, one line per message, at <c>Dataflow:Log:Level</c> (<c>--log-level</c>,
/// default warning) and above.
/// </summary>
public static class ProgramHost
{
    /// <summary>Exit code of a failed job.</summary>
    public const int JobFailedExitCode = 1;

    /// <summary>Exit code after Ctrl-C.</summary>
    public const int CancelledExitCode = 130;

    /// <summary>Exit code after SIGTERM (128 + 15, as a shell reports a process it terminated).</summary>
    public const int TerminatedExitCode = 143;

    /// <summary>
    /// Parses <paramref name="args"/> with <paramref name="parser"/> (which should have the standard options), prints
    /// help for <c>--help</c>, loads the options and runs <paramref name="run"/> with a token cancelled by Ctrl-C.
    /// </summary>
    public static async Task<int> RunAsync(
        ArgumentParser parser,
        StandardOptions standard,
        IReadOnlyList<string> args,
        Func<ParseResult, DataflowOptions, CancellationToken, Task> run)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(standard);
        ArgumentNullException.ThrowIfNull(run);
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var terminated = false;
        // SIGTERM (a supervisor, `dataflow submit` forwarding one) cancels like Ctrl-C instead of ending the process
        // mid-write; hosts started inside the program (an Orleans client) must not take the signal for themselves.
        using var onTerm = OperatingSystem.IsWindows() ? null : System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                terminated = true;
                cancellation.Cancel();
            });
        try
        {
            var parsed = parser.Parse(args);
            if (parsed.HelpRequested)
            {
                await Console.Out.WriteAsync(parsed.HelpText).ConfigureAwait(false);
                return 0;
            }

            var options = standard.LoadOptions(parsed);
            // Contexts the program creates without a logger factory of their own log here (Dataflow:Log:Level).
            using var logging = new StderrLoggerFactory(parser.ProgramName, options.Log.Level, Console.Error);
            using var ambient = AmbientLogging.Use(logging);
            try
            {
                _ = Master.Resolve(options.Master);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message, e);
            }

            await run(parsed, options, cancellation.Token).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{parser.ProgramName}: {(terminated ? "terminated" : "cancelled")}").ConfigureAwait(false);
            return terminated ? TerminatedExitCode : CancelledExitCode;
        }
        catch (Exception e) when (BadInput(e) is { } message)
        {
            await Console.Error.WriteLineAsync($"{parser.ProgramName}: {message}").ConfigureAwait(false);
            return UsageException.ExitCode;
        }
        catch (Exception e) when (e is JobFailedException or ClusterUnavailableException)
        {
            await Console.Error.WriteLineAsync($"{parser.ProgramName}: {e.Message}").ConfigureAwait(false);
            return JobFailedExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The one-line message of an error that is the user's to fix, or null for a job failure.</summary>
    private static string? BadInput(Exception e) => e switch
    {
        UsageException or BadInputException or DataflowConfigurationException or OutputExistsException or OutputPathException or FileNotFoundException or DirectoryNotFoundException => e.Message,
        JobFailedException { InnerException: BadInputException bad } => bad.Message,
        _ => null,
    };
}
