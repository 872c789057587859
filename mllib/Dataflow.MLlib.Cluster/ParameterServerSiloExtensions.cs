using Dataflow.MLlib.ParameterServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dataflow.MLlib.Cluster;

/// <summary>Hosting of parameter shards on worker silos.</summary>
public static class ParameterServerSiloExtensions
{
    /// <summary>
    /// Lets PS worker tasks on this silo reach their run's shard grains: sets <see cref="ShardDirectory.RemoteResolver"/>
    /// to grain handles from the silo's grain factory. The shard grain class itself is found by Orleans in this assembly.
    /// The resolver is one per process, as a worker process hosts one silo: in a process that hosts silos of several
    /// clusters (tests), only one of them may add it.
    /// </summary>
    public static ISiloBuilder AddParameterServer(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services => services.AddHostedService<ShardResolverService>());
        return builder;
    }

    private sealed class ShardResolverService(IGrainFactory grains) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            ShardDirectory.RemoteResolver = (runId, ranges) => GrainShards.Find(grains, runId, ranges);
            ShardDirectory.RemoteRecoveringResolver = (runId, ranges, settings) => GrainShards.Find(grains, runId, ranges, settings);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
