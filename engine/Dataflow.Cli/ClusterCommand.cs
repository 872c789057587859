using System.Diagnostics;
using Dataflow.CommandLine;

namespace Dataflow.Cli;

/// <summary>
/// <c>dataflow cluster start N|status|url|stop</c>: a cluster of worker processes on this machine, run by the
/// <c>local-cluster.sh</c> the tool carries, with the worker the tool carries (<c>worker/</c> beside the tool, built with
/// every library a worker provides), so an installed tool needs no repository. Run state lives in
/// <c>DATAFLOW_RUN_DIR</c>, default <c>~/.dataflow/cluster</c>.
/// </summary>
internal static class ClusterCommand
{
    private static readonly string[] s_actions = ["start", "status", "url", "stop"];

    /// <summary>The folder of the tool's own files (the worker, the script, the worker settings).</summary>
    internal static string ToolDirectory { get; set; } = AppContext.BaseDirectory;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parser = new ArgumentParser($"{CliApp.Name} cluster",
            "Runs a cluster of worker processes on this machine on loopback ports: 'start N' starts a membership-only primary "
            + "and N workers and prints the master URL; 'status' lists '<pid> <silo address> <active|joining|dead>' per worker; "
            + "'url' prints the master URL again; 'stop' stops them and removes the run state "
            + "(DATAFLOW_RUN_DIR, default ~/.dataflow/cluster).");
        var action = parser.AddPositional<string>("action", "start, status, url or stop");
        var count = parser.AddPositional<int?>("n", "start: the number of workers (1 to 64)", required: false);
        var slots = parser.Add<int?>("slots", "start: task slots per worker (default: the processor count)");
        var memory = parser.Add<Dataflow.Configuration.ByteSize?>("executor-memory", "start: memory per worker, e.g. 2g (default: a quarter of the machine's)");
        var parsed = parser.Parse(args);
        if (parsed.HelpRequested)
        {
            await stdout.WriteAsync(parsed.HelpText).ConfigureAwait(false);
            return 0;
        }

        var verb = parsed.Get(action);
        if (!s_actions.Contains(verb))
        {
            throw new UsageException($"unknown action '{verb}'; use {string.Join(", ", s_actions)} (see {CliApp.Name} cluster --help)");
        }

        var script = new List<string> { verb };
        if (verb == "start")
        {
            if (parsed.Get(count) is not { } n || n is < 1 or > 64)
            {
                throw new UsageException("start needs the number of workers, 1 to 64: dataflow cluster start 2");
            }

            script.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (parsed.Get(slots) is { } s)
            {
                script.AddRange(["--slots", s.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }

            if (parsed.Get(memory) is { } m)
            {
                script.AddRange(["--executor-memory", m.ToString()]);
            }
        }
        else if (parsed.IsSpecified(count) || parsed.IsSpecified(slots) || parsed.IsSpecified(memory))
        {
            throw new UsageException($"{verb} takes no N, --slots or --executor-memory; those are for start");
        }

        var worker = Path.Combine(ToolDirectory, "worker", "Dataflow.Worker.dll");
        var scriptPath = Path.Combine(ToolDirectory, "cluster-config", "local-cluster.sh");
        if (!File.Exists(worker) || !File.Exists(scriptPath))
        {
            await stderr.WriteLineAsync($"{CliApp.Name}: this installation lacks its worker ({worker}) or {scriptPath}; reinstall the tool").ConfigureAwait(false);
            return CliApp.FailedExitCode;
        }

        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add(scriptPath);
        foreach (var arg in script)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DATAFLOW_CLUSTER_PROG"] = $"{CliApp.Name} cluster";
        SetDefault(info, "DATAFLOW_WORKER_DLL", worker);
        SetDefault(info, "DATAFLOW_WORKER_CONFIG", Path.Combine(ToolDirectory, "cluster-config", "worker.appsettings.json"));
        SetDefault(info, "DATAFLOW_RUN_DIR", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dataflow", "cluster"));
        return await ChildProcess.RunForwardingSignalsAsync(info, stderr).ConfigureAwait(false);
    }

    private static void SetDefault(ProcessStartInfo info, string name, string value)
    {
        if (string.IsNullOrEmpty(info.Environment.TryGetValue(name, out var set) ? set : null))
        {
            info.Environment[name] = value;
        }
    }
}
