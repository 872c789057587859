namespace Dataflow.Dependencies;

/// <summary>Each child partition reads a bounded set of parent partitions, in the same task.</summary>
/// <remarks>Spark: NarrowDependency</remarks>
public abstract class NarrowDependency : Dependency
{
    private protected NarrowDependency(RddBase rdd) : base(rdd) { }

    /// <summary>The parent partitions that child partition <paramref name="partitionId"/> reads.</summary>
    public abstract IReadOnlyList<int> GetParents(int partitionId);
}
