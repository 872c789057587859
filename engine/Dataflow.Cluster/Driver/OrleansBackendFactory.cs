using Dataflow.Execution;
using Dataflow.Scheduling.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// Connects a <see cref="DataflowContext"/> with an <c>orleans://host:port[,host:port...]</c> master: an Orleans client
/// over the listed gateways (any of them may be down), then the <see cref="OrleansBackend"/>. Registered with the engine by the assembly's
/// <c>[assembly: ClusterBackend]</c> (ClusterBackendRegistration.cs).
/// </summary>
internal sealed class OrleansBackendFactory : IClusterBackendFactory
{
    /// <summary>How long a new context waits for a worker with task slots.</summary>
    private static readonly TimeSpan s_waitForWorkers = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Tests: a master URL (e.g. <c>orleans://shared:1</c>) mapped to the client of an in-process test cluster, used
    /// instead of connecting to the URL's gateways.
    /// </summary>
    internal static System.Collections.Concurrent.ConcurrentDictionary<string, IClusterClient> TestClients { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment) =>
        CreateAsync(context).GetAwaiter().GetResult();

    private static async Task<OrleansBackend> CreateAsync(DataflowContext context)
    {
        if (TestClients.TryGetValue(context.Master.Url, out var client))
        {
            return await OrleansBackend.StartAsync(context, client, ownedHost: null, s_waitForWorkers).ConfigureAwait(false);
        }

        // A task may run for hours; a lost worker fails its calls through membership, not through this timeout.
        var host = await ClusterConnection.ConnectAsync(context.Master, context.Options, context.LoggerFactory, TimeSpan.FromHours(12)).ConfigureAwait(false);
        return await OrleansBackend.StartAsync(context, host.Services.GetRequiredService<IClusterClient>(), host, s_waitForWorkers).ConfigureAwait(false);
    }
}
