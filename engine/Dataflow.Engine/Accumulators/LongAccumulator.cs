namespace Dataflow.Accumulators;

/// <summary>Sums 64-bit integers; also counts them (<see cref="Count"/>, <see cref="Average"/>).</summary>
/// <remarks>Spark: LongAccumulator</remarks>
public sealed class LongAccumulator : AccumulatorBase<long, long>
{
    private long _sum;
    private long _count;

    /// <inheritdoc />
    public override long Value => Interlocked.Read(ref _sum);

    /// <summary>How many values were added.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The mean of the added values (NaN when none).</summary>
    public double Average => Count == 0 ? double.NaN : (double)Value / Count;

    /// <inheritdoc />
    public override bool IsZero => _sum == 0 && _count == 0;

    /// <inheritdoc />
    protected override AccumulatorBase<long, long> CreateZero() => new LongAccumulator();

    /// <inheritdoc />
    protected override void AddValue(long value)
    {
        _sum += value;
        _count++;
    }

    /// <inheritdoc />
    protected override void Merge(AccumulatorBase<long, long> other)
    {
        var o = (LongAccumulator)other;
        _sum += o._sum;
        _count += o._count;
    }
}
