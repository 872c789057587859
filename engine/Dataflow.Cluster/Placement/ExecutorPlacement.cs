using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Dataflow.Cluster.Placement;

/// <summary>
/// Places a grain on the silo its key names (<see cref="SiloAddress.ToParsableString"/>): each worker's executor and
/// block service live on that worker, wherever the call comes from.
/// </summary>
[Serializable, GenerateSerializer, Immutable]
internal sealed class ExecutorPlacement : PlacementStrategy
{
    internal static readonly ExecutorPlacement Instance = new();
}

/// <summary>Marks a grain class as pinned to the silo named by its key.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class ExecutorPlacementAttribute : PlacementAttribute
{
    public ExecutorPlacementAttribute() : base(ExecutorPlacement.Instance)
    {
    }
}

/// <summary>The director of <see cref="ExecutorPlacement"/>: the silo in the key, if it is (still) in the cluster.</summary>
internal sealed class ExecutorPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var silos = context.GetCompatibleSilos(target);
        foreach (var silo in silos)
        {
            if (silo.ToParsableString() == key)
            {
                return Task.FromResult(silo);
            }
        }

        throw new OrleansException($"Worker {key} is not in the cluster (any more); its executor cannot be activated elsewhere.");
    }
}
