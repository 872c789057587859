using System.Globalization;

namespace Dataflow;

/// <summary>
/// Count, mean, variance, minimum, maximum and sum of a stream of numbers, computed in one pass and mergeable:
/// Welford's update for each value and Chan et al.'s pairwise formula to merge two counters, so partitions are
/// summarised independently and combined without a second pass and without the cancellation of the naive
/// sum-of-squares formula. The sum is kept separately with Neumaier compensation (rather than derived as
/// count × mean, as Spark does), so it is as exact as a compensated serial sum.
/// </summary>
/// <example><code>
/// var stats = await latencies.StatsAsync();
/// Console.WriteLine($"{stats.Mean} ± {stats.SampleStdev} over {stats.Count}");
/// </code></example>
/// <remarks>Spark: StatCounter</remarks>
public sealed class StatCounter
{
    private long _count;
    private double _mean;
    private double _m2;
    private double _sum;
    private double _compensation;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <summary>Creates an empty counter.</summary>
    public StatCounter()
    {
    }

    /// <summary>Creates a counter of <paramref name="values"/>.</summary>
    public StatCounter(IEnumerable<double> values) => Merge(values);

    /// <summary>The number of values.</summary>
    public long Count => _count;

    /// <summary>The arithmetic mean; <see cref="double.NaN"/> when empty.</summary>
    public double Mean => _count == 0 ? double.NaN : _mean;

    /// <summary>The sum (0 when empty).</summary>
    public double Sum => double.IsFinite(_sum) ? _sum + _compensation : _sum;

    /// <summary>The smallest value; <see cref="double.PositiveInfinity"/> when empty, NaN when a value is NaN.</summary>
    public double Min => _min;

    /// <summary>The largest value; <see cref="double.NegativeInfinity"/> when empty, NaN when a value is NaN.</summary>
    public double Max => _max;

    /// <summary>The population variance (divides by n); <see cref="double.NaN"/> when empty.</summary>
    public double Variance => _count == 0 ? double.NaN : _m2 / _count;

    /// <summary>The sample variance (divides by n − 1); <see cref="double.NaN"/> for fewer than two values.</summary>
    public double SampleVariance => _count <= 1 ? double.NaN : _m2 / (_count - 1);

    /// <summary>The population standard deviation; <see cref="double.NaN"/> when empty.</summary>
    public double Stdev => Math.Sqrt(Variance);

    /// <summary>The sample standard deviation; <see cref="double.NaN"/> for fewer than two values.</summary>
    public double SampleStdev => Math.Sqrt(SampleVariance);

    /// <summary>Adds one value (Welford's update).</summary>
    /// <returns>This counter.</returns>
    public StatCounter Merge(double value)
    {
        var delta = value - _mean;
        _count++;
        _mean += delta / _count;
        _m2 += delta * (value - _mean);
        AddToSum(value);
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        return this;
    }

    /// <summary>Adds every value of <paramref name="values"/>.</summary>
    /// <returns>This counter.</returns>
    public StatCounter Merge(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            Merge(value);
        }

        return this;
    }

    /// <summary>Adds the values summarised by <paramref name="other"/> (Chan et al.'s pairwise update); <paramref name="other"/> is unchanged.</summary>
    /// <returns>This counter.</returns>
    public StatCounter Merge(StatCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            // Merging with itself would read fields while they are being overwritten.
            return Merge(other.Copy());
        }

        if (other._count == 0)
        {
            return this;
        }

        if (_count == 0)
        {
            (_count, _mean, _m2, _sum, _compensation, _min, _max) =
                (other._count, other._mean, other._m2, other._sum, other._compensation, other._min, other._max);
            return this;
        }

        var n = (double)_count + other._count;
        var delta = other._mean - _mean;

        // Scale the smaller side's correction when the sizes differ a lot; mixing means directly loses precision then.
        if (other._count * 10 < _count)
        {
            _mean += delta * other._count / n;
        }
        else if (_count * 10 < other._count)
        {
            _mean = other._mean - delta * _count / n;
        }
        else
        {
            _mean = (_mean * _count + other._mean * other._count) / n;
        }

        _m2 += other._m2 + delta * delta * _count * other._count / n;
        _count += other._count;
        AddToSum(other._sum);
        AddToSum(other._compensation);
        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
        return this;
    }

    /// <summary>An independent copy.</summary>
    public StatCounter Copy() => (StatCounter)MemberwiseClone();

    /// <summary>Formats as <c>(count: 3, mean: 2, stdev: 0.816496580927726, max: 3, min: 1)</c>, invariant culture.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"(count: {Count}, mean: {Mean}, stdev: {Stdev}, max: {Max}, min: {Min})");

    // Neumaier's variant of Kahan summation: also exact when the addend is larger than the running sum. Once the sum
    // is infinite or NaN the correction is meaningless (inf - inf), so it stops being updated and Sum ignores it.
    private void AddToSum(double value)
    {
        var t = _sum + value;
        if (double.IsFinite(t))
        {
            _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - t) + value : (value - t) + _sum;
        }

        _sum = t;
    }
}
