using Dataflow.Execution;

namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Creates the backend for a cluster master (<c>orleans://…</c>). Implemented by <c>Dataflow.Cluster</c>, which
/// registers it with <see cref="ClusterBackendAttribute"/> (found by <see cref="ClusterBackends"/>), so the engine
/// itself has no Orleans dependency.
/// </summary>
internal interface IClusterBackendFactory
{
    /// <summary>Connects to the cluster of <paramref name="context"/>'s master; returns once tasks can be placed.</summary>
    ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment);
}
