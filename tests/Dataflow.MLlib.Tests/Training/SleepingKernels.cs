using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Tests.Training;

/// <summary>The SIMD kernels, except that the binary logistic kernel first sleeps for a fixed time: a kernel of known cost.</summary>
public sealed class SleepingKernels(int milliseconds) : IBlockKernels
{
    private readonly SimdKernels _inner = new();

    public string Name => "sleeping";

    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        Thread.Sleep(milliseconds);
        return _inner.BinaryLogistic(block, coefficients, intercept, gradient, rows);
    }

    public double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null) =>
        _inner.Multinomial(block, coefficients, intercepts, gradient, rows);

    public double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null) =>
        _inner.LeastSquares(block, coefficients, intercept, gradient, rows);

    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts) =>
        _inner.KMeansAssign(block, centers, centerNorms, sums, counts);

    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances) =>
        _inner.NearestCenters(block, centers, centerNorms, nearest, squaredDistances);

    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins) =>
        _inner.Margins(block, coefficients, intercepts, margins);
}
