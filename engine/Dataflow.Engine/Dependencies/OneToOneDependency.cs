namespace Dataflow.Dependencies;

/// <summary>Child partition <c>i</c> reads parent partition <c>i</c>.</summary>
/// <remarks>Spark: OneToOneDependency</remarks>
public sealed class OneToOneDependency : NarrowDependency
{
    /// <summary>Creates the dependency on <paramref name="rdd"/>.</summary>
    public OneToOneDependency(RddBase rdd) : base(rdd) { }

    /// <inheritdoc />
    public override IReadOnlyList<int> GetParents(int partitionId) => [partitionId];
}
