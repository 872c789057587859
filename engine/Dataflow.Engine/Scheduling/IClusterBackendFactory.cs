using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>
/// Creates the backend for a cluster master (<c>orleans://…</c>). Implemented by <c>Dataflow.Cluster</c> and found by
/// name (<see cref="ClusterBackends"/>), so the engine itself has no Orleans dependency.
/// </summary>
internal interface IClusterBackendFactory
{
    /// <summary>Connects to the cluster of <paramref name="context"/>'s master; returns once tasks can be placed.</summary>
    ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment);
}

/// <summary>A backend whose executors keep shuffle files, cached blocks and broadcast copies, which must be told when they are dropped.</summary>
internal interface IExecutorCleanup
{
    /// <summary>Deletes the shuffle's files on every executor.</summary>
    void RemoveShuffle(int shuffleId);

    /// <summary>Drops a persisted RDD's cached partitions on every executor.</summary>
    void RemoveRdd(int rddId);

    /// <summary>Drops the executors' copies of a broadcast; <paramref name="destroyed"/>: the driver will not serve it again.</summary>
    Task RemoveBroadcastAsync(long broadcastId, bool destroyed);

    /// <summary>Deletes one map output (found corrupt) on the executor that holds it; completes when it is gone or the executor is.</summary>
    Task RemoveMapOutputAsync(int shuffleId, int mapId, string executorId);
}

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
