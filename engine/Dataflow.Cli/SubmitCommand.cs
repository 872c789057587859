using System.Diagnostics;
using Dataflow.CommandLine;
using Dataflow.Configuration;

namespace Dataflow.Cli;

/// <summary>
/// <c>dataflow submit [options] APP.dll [APP-ARGS...]</c>: runs the application's driver in a child process on this
/// machine (client mode) with the master and every <c>--conf</c> value in its environment, which the configuration
/// registry reads (<c>DATAFLOW__SECTION__KEY</c>, below the application's own <c>--conf</c> and above its JSON file).
/// The child inherits standard input, output and error, so its output reaches the caller unchanged; Ctrl-C and SIGTERM
/// are forwarded to it, and its exit code is returned as it is.
/// </summary>
internal static class SubmitCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parser = new ArgumentParser($"{CliApp.Name} submit",
            "Runs an application's driver against a cluster (client mode). Its directory may be one the workers never saw: "
            + "the driver ships the application's assemblies. The master and the --conf values reach the application through "
            + "its environment (DATAFLOW__SECTION__KEY); its own options come after APP and are passed on untouched. "
            + "Exit code: the application's.");
        var standard = parser.AddStandardOptions();
        var name = parser.Add<string?>("name", "application name shown in logs, the UI and the event log (sets Dataflow:AppName)", valueName: "NAME");
        var app = parser.AddPositional<string>("app", "the application's compiled driver, e.g. bin/Release/net10.0/WordCount.dll");
        var appArgs = parser.AddRemainder("app-args", "the application's own arguments, passed on untouched");
        var parsed = parser.Parse(args);
        if (parsed.HelpRequested)
        {
            await stdout.WriteAsync(parsed.HelpText).ConfigureAwait(false);
            return 0;
        }

        if (parsed.Get(standard.Master) is { } master)
        {
            try
            {
                _ = Master.Parse(master);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--master: {e.Message}", e);
            }
        }

        var environment = new List<KeyValuePair<string, string?>>(standard.ToConfPairs(parsed));
        if (parsed.Get(name) is { } appName)
        {
            environment.Add(new($"{DataflowOptions.SectionName}:{nameof(DataflowOptions.AppName)}", appName));
        }

        var variables = environment.Select(pair => (Name: EnvironmentName(pair.Key), pair.Value)).ToList();

        var dll = Path.GetFullPath(parsed.Get(app));
        if (!dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"APP must be the application's .dll (what dotnet build writes), got '{parsed.Get(app)}'");
        }

        if (!File.Exists(dll))
        {
            throw new UsageException($"APP '{dll}' does not exist; build the application first (dotnet build -c Release)");
        }

        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in parsed.Get(appArgs))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (variable, value) in variables)
        {
            info.Environment[variable] = value;
        }

        return await ChildProcess.RunForwardingSignalsAsync(info, stderr).ConfigureAwait(false);
    }

    /// <summary><c>Dataflow:Executor:Memory</c> → <c>DATAFLOW__EXECUTOR__MEMORY</c>, as the registry reads the environment.</summary>
    internal static string EnvironmentName(string key)
    {
        const string prefix = DataflowOptions.SectionName + ":";
        if (!key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || key.Length == prefix.Length)
        {
            throw new UsageException($"--conf {key}=...: submit passes configuration keys under {prefix} only, e.g. --conf Dataflow:Scheduler:MaxTaskFailures=8");
        }

        return "DATAFLOW__" + key[prefix.Length..].Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();
    }
}
