using System.Diagnostics;

namespace Dataflow.Examples.Tests;

/// <summary>
/// Runs an example program's built assembly as a separate process, as a user would run it; with <c>--no-ui</c> unless
/// the arguments choose a UI port (or run the UI-less bottleneck sweep), so that tests running at the same time do not
/// compete for port 4040.
/// </summary>
public static class ProgramRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string assemblyName, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        Assert.True(File.Exists(dll), $"{dll} was not built next to the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // LogisticRegression --benchmark-sweep is a program of its own that serves no UI and takes no UI options.
        if (!args.Any(a => a.StartsWith("--ui-port", StringComparison.Ordinal) || a is "--no-ui" or "--benchmark-sweep"))
        {
            start.ArgumentList.Add("--no-ui");
        }

        start.Environment.Remove("DATAFLOW_MASTER");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);
}
