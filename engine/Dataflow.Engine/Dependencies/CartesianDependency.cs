namespace Dataflow.Dependencies;

/// <summary>
/// One side of a cartesian product: child partition <c>i * n + j</c> (where <c>n</c> is the second parent's
/// partition count) reads partition <c>i</c> of the first parent and partition <c>j</c> of the second.
/// </summary>
/// <remarks>Spark: the NarrowDependencies of CartesianRDD</remarks>
internal sealed class CartesianDependency : NarrowDependency
{
    private readonly RddBase _second;
    private readonly bool _isFirst;

    /// <summary>Creates the dependency on <paramref name="rdd"/>, which is the first parent when <paramref name="isFirst"/> is set.</summary>
    public CartesianDependency(RddBase rdd, RddBase second, bool isFirst) : base(rdd)
    {
        _second = second;
        _isFirst = isFirst;
    }

    /// <inheritdoc />
    public override IReadOnlyList<int> GetParents(int partitionId) =>
        [_isFirst ? partitionId / _second.NumPartitions : partitionId % _second.NumPartitions];
}
