namespace Dataflow.Accumulators;

/// <summary>Sums doubles; also counts them (<see cref="Count"/>, <see cref="Average"/>).</summary>
/// <remarks>Spark: DoubleAccumulator</remarks>
public sealed class DoubleAccumulator : AccumulatorBase<double, double>
{
    private double _sum;
    private long _count;

    /// <inheritdoc />
    public override double Value => Volatile.Read(ref _sum);

    /// <summary>How many values were added.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The mean of the added values (NaN when none).</summary>
    public double Average => Count == 0 ? double.NaN : Value / Count;

    /// <inheritdoc />
    public override bool IsZero => _sum == 0 && _count == 0;

    /// <inheritdoc />
    protected override AccumulatorBase<double, double> CreateZero() => new DoubleAccumulator();

    /// <inheritdoc />
    protected override void AddValue(double value)
    {
        _sum += value;
        _count++;
    }

    /// <inheritdoc />
    protected override void Merge(AccumulatorBase<double, double> other)
    {
        var o = (DoubleAccumulator)other;
        _sum += o._sum;
        _count += o._count;
    }
}
