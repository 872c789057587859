namespace Dataflow.Dependencies;

/// <summary>
/// Child partitions <c>[outStart, outStart + length)</c> read parent partitions <c>[inStart, inStart + length)</c>
/// one to one (used by <c>Concat</c>).
/// </summary>
/// <remarks>Spark: RangeDependency</remarks>
public sealed class RangeDependency : NarrowDependency
{
    private readonly int _inStart;
    private readonly int _outStart;
    private readonly int _length;

    /// <summary>Creates the dependency.</summary>
    public RangeDependency(RddBase rdd, int inStart, int outStart, int length) : base(rdd)
    {
        _inStart = inStart;
        _outStart = outStart;
        _length = length;
    }

    /// <inheritdoc />
    public override IReadOnlyList<int> GetParents(int partitionId) =>
        partitionId >= _outStart && partitionId < _outStart + _length ? [partitionId - _outStart + _inStart] : [];
}
