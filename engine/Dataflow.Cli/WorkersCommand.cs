using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Grains;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Dataflow.Cli;

/// <summary>
/// <c>dataflow workers --master URL [--json]</c>: connects to the cluster as a client, asks membership for the active
/// silos and each silo's status grain for its status, and prints one line per worker (or one JSON document, see
/// <see cref="WorkerReport"/>). Silos that run no executor (a membership-only primary) are not listed.
/// </summary>
internal static class WorkersCommand
{
    /// <summary>How long one worker may take to answer before it is reported as not answering.</summary>
    private static readonly TimeSpan s_statusTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parser = new ArgumentParser($"{CliApp.Name} workers",
            "Lists the workers of a cluster: address, task slots (free/total), executor memory (used/total), running tasks, "
            + "stored shuffle bytes, applications and uptime.");
        var masterOption = parser.Add<string?>("master", "the cluster, orleans://host:port[,host:port...] (default: DATAFLOW_MASTER)", valueName: "URL");
        var json = parser.AddFlag("json", "print one JSON document instead of a table (format in engine/Dataflow.Cli/README.md)");
        var conf = parser.AddList<string>("conf", "set a configuration key, e.g. Dataflow:Worker:ClusterId=mine", "KEY=VALUE", splitCommas: false);
        var parsed = parser.Parse(args);
        if (parsed.HelpRequested)
        {
            await stdout.WriteAsync(parsed.HelpText).ConfigureAwait(false);
            return 0;
        }

        DataflowOptions options;
        try
        {
            var pairs = parsed.Get(conf).Select(DataflowConfiguration.ParseConfPair).ToList();
            if (parsed.Get(masterOption) is { } given)
            {
                pairs.Add(new($"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Master)}", given));
            }

            options = DataflowConfiguration.Load(pairs);
        }
        catch (DataflowConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }

        Master master;
        try
        {
            master = options.Master is null ? throw new UsageException("give the cluster with --master orleans://host:port (or set DATAFLOW_MASTER)") : Master.Parse(options.Master);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--master: {e.Message}", e);
        }

        if (master.IsLocal)
        {
            throw new UsageException($"--master {master} runs in one process and has no workers; give a cluster, orleans://host:port");
        }

        var workers = await QueryAsync(master, options).ConfigureAwait(false);
        var report = new WorkerReport(master.Url, DateTime.UtcNow, workers);
        await stdout.WriteAsync(parsed.Get(json) ? report.ToJson() : report.ToTable()).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The status of every active worker, in address order; a worker that does not answer is listed with its error.</summary>
    internal static async Task<IReadOnlyList<WorkerReport.Entry>> QueryAsync(Master master, DataflowOptions options)
    {
        using var host = await ClusterConnection.ConnectAsync(master, options, NullLoggerFactory.Instance, s_statusTimeout).ConfigureAwait(false);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            return await QueryAsync(client).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }
    }

    internal static async Task<IReadOnlyList<WorkerReport.Entry>> QueryAsync(IClusterClient client)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        var silos = hosts.Keys.OrderBy(s => s.Endpoint.ToString(), StringComparer.Ordinal).ToList();
        var answers = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                var status = await client.GetGrain<IWorkerStatusGrain>(silo.ToParsableString()).GetStatus().WaitAsync(s_statusTimeout).ConfigureAwait(false);
                return new WorkerReport.Entry(silo.Endpoint.ToString(), status, null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new WorkerReport.Entry(silo.Endpoint.ToString(), null, e.Message);
            }
        })).ConfigureAwait(false);
        return [.. answers.Where(a => a.Status is null || a.Status.SlotsTotal > 0)];
    }
}
