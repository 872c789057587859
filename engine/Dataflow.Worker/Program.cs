using Dataflow.CommandLine;
using Dataflow.Worker;

// Dataflow.Worker: one Orleans silo of a Dataflow cluster (see cluster-config/README.md). Exit codes: 0 after a
// graceful shutdown (SIGTERM, Ctrl-C) or --help; 2 for a bad option, key or value; 1 when the silo fails.
var commandLine = new WorkerCommandLine();
Dataflow.Configuration.DataflowOptions options;
System.Net.IPEndPoint? primary;
try
{
    var loaded = commandLine.Load(args, out var help);
    if (loaded is null)
    {
        await Console.Out.WriteAsync(help).ConfigureAwait(false);
        return 0;
    }

    options = loaded;
    WorkerMembership.Validate(options);
    primary = PrimaryEndpoint.Resolve(options.Worker.PrimarySilo);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"Dataflow.Worker: {e.Message}").ConfigureAwait(false);
    return UsageException.ExitCode;
}

return await WorkerHost.RunAsync(options, primary).ConfigureAwait(false);
