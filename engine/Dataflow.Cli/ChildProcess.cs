using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Dataflow.Cli;

/// <summary>
/// Runs a program that shares this process's standard streams, forwarding SIGINT (Ctrl-C) and SIGTERM to it, and returns
/// its exit code (128 + the signal when a signal ended it, as a shell reports it).
/// </summary>
internal static partial class ChildProcess
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    public static async Task<int> RunForwardingSignalsAsync(ProcessStartInfo info, TextWriter stderr)
    {
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await stderr.WriteLineAsync($"{CliApp.Name}: cannot run {info.FileName}: {e.Message}").ConfigureAwait(false);
            return CliApp.FailedExitCode;
        }

        using (process)
        {
            // A terminal's Ctrl-C reaches the whole foreground process group, the child included; a signal sent to this
            // process alone (kill -INT, a supervisor's SIGTERM) reaches only us. Either way the child gets it, and this
            // process stays until the child has exited, so the caller sees the child's own exit code.
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Forward(context, process, SigInt));
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Forward(context, process, SigTerm));
            await process.WaitForExitAsync().ConfigureAwait(false);
            return process.ExitCode;
        }
    }

    private static void Forward(PosixSignalContext context, Process process, int signal)
    {
        context.Cancel = true;
        try
        {
            if (!process.HasExited)
            {
                _ = Kill(process.Id, signal);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
