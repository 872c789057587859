using Dataflow.Configuration;
using Orleans.Hosting;

namespace Dataflow.Cluster;

/// <summary>Adds Dataflow's executor and block service to an Orleans silo.</summary>
public static class WorkerSiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo a Dataflow worker: when <see cref="WorkerOptions.HostsExecutor"/> is set it runs an executor with
    /// <see cref="ExecutorOptions.Cores"/> task slots (0: the processor count) and <see cref="ExecutorOptions.Memory"/>,
    /// storing files under <see cref="WorkerOptions.LocalDirectory"/>. Clustering and ports are the caller's.
    /// </summary>
    public static ISiloBuilder AddDataflowWorker(this ISiloBuilder builder, DataflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        // Filled in by the executor step; until then a worker joins the cluster and runs nothing.
        return builder;
    }
}
