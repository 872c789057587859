using System.Reflection;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// The default <see cref="IShardHost"/> of a context, so PS training needs no cluster code from the application: in
/// local mode none (in-process shards); on a cluster master the shard grains of <c>Dataflow.MLlib.Cluster</c>
/// (<c>GrainShardHost.For</c>, created with the driver's grain factory from
/// <see cref="DataflowContext.GetBackendService{T}"/>). MLlib names no Orleans type, so the grain assembly is found by
/// name among the application's assemblies: an application that trains on a PS in cluster mode references
/// <c>mllib/Dataflow.MLlib.Cluster</c>, as the examples do.
/// </summary>
public static class ShardHosts
{
    /// <summary>The assembly of the shard grains.</summary>
    public const string ClusterAssembly = "Dataflow.MLlib.Cluster";

    private const string HostType = "Dataflow.MLlib.Cluster.GrainShardHost";

    /// <summary>
    /// Where the shards of a run on <paramref name="context"/> live: null for in-process shards (local mode, or a backend
    /// without an Orleans grain factory); the shard grains for an Orleans cluster.
    /// </summary>
    /// <exception cref="InvalidOperationException">A cluster master, and the application does not reference <c>Dataflow.MLlib.Cluster</c>.</exception>
    public static IShardHost? For(DataflowContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Master.IsLocal)
        {
            return null;
        }

        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(ClusterAssembly));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"Parameter-server training on {context.Master} needs the shard grains: reference the {ClusterAssembly} project (mllib/{ClusterAssembly}) from the application.", e);
        }

        var factory = assembly.GetType(HostType)?.GetMethod("For", BindingFlags.Public | BindingFlags.Static, [typeof(DataflowContext)])
            ?? throw new InvalidOperationException($"{assembly.FullName} has no public static {HostType}.For(DataflowContext): the application's {ClusterAssembly} is of another build.");
        return (IShardHost?)factory.Invoke(null, [context]);
    }
}
