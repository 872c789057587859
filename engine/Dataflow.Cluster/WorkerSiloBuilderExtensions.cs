using Dataflow.Cluster.Placement;
using Dataflow.Cluster.Worker;
using Dataflow.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Dataflow.Cluster;

/// <summary>Adds Dataflow's executor and block service to an Orleans silo.</summary>
public static class WorkerSiloBuilderExtensions
{
    /// <summary>The Orleans service id of Dataflow clusters; drivers and workers must agree.</summary>
    public const string ServiceId = "dataflow";

    /// <summary>
    /// Makes this silo a Dataflow worker: when <see cref="WorkerOptions.HostsExecutor"/> is set it runs an executor with
    /// <see cref="ExecutorOptions.Cores"/> task slots (0: the processor count) and <see cref="ExecutorOptions.Memory"/>,
    /// storing files under <see cref="WorkerOptions.LocalDirectory"/>. Clustering and ports are the caller's.
    /// </summary>
    public static ISiloBuilder AddDataflowWorker(this ISiloBuilder builder, DataflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton(sp => new WorkerExecutor(
            options, sp.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>(), sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        builder.AddPlacementDirector<ExecutorPlacement, ExecutorPlacementDirector>();
        return builder;
    }
}
