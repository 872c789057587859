namespace Dataflow.Dependencies;

/// <summary>
/// An edge of the lineage graph: how a child RDD's partitions depend on one parent RDD's partitions.
/// Narrow dependencies are pipelined into one task; a <see cref="ShuffleDependency"/> cuts the graph into stages.
/// </summary>
/// <remarks>Spark: Dependency</remarks>
public abstract class Dependency
{
    private protected Dependency(RddBase rdd) => Rdd = rdd;

    /// <summary>The parent RDD.</summary>
    public RddBase Rdd { get; }
}
