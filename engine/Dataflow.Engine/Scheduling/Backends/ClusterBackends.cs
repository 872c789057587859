using Dataflow.Execution;

namespace Dataflow.Scheduling.Backends;

/// <summary>Finds the cluster backend factory of the <c>Dataflow.Cluster</c> assembly.</summary>
internal static class ClusterBackends
{
    private const string FactoryTypeName = "Dataflow.Cluster.Driver.OrleansBackendFactory, Dataflow.Cluster";

    public static ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment)
    {
        var type = Type.GetType(FactoryTypeName, throwOnError: false) ?? throw new ClusterUnavailableException(
            $"Master '{context.Master}' needs cluster support: reference the Dataflow.Cluster project (engine/Dataflow.Cluster) from the application.");
        var factory = (IClusterBackendFactory)Activator.CreateInstance(type)!;
        return factory.Create(context, driverEnvironment);
    }
}
