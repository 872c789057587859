using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Tests.Support;

/// <summary>
/// The SIMD kernels with a hook before the binary logistic kernel (and the matrix-factorisation kernel, the other
/// kernel a parameter-server worker calls once per clock): the test kernels that slow, pace or fail a task
/// override <see cref="BeforeBinaryLogistic"/> only. The SIMD kernels are one static instance, so a subclass ships in a
/// task closure with its own fields only.
/// </summary>
public abstract class BinaryLogisticHookKernels : IBlockKernels
{
    private static readonly SimdKernels s_simd = new();

    public abstract string Name { get; }

    /// <summary>Runs in the task before each binary logistic call.</summary>
    protected abstract void BeforeBinaryLogistic();

    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        BeforeBinaryLogistic();
        return s_simd.BinaryLogistic(block, coefficients, intercept, gradient, rows);
    }

    public double MatrixFactorization(InstanceBlock block, int users, int rank, ReadOnlySpan<double> factors, Span<double> gradient, int[]? rows = null)
    {
        BeforeBinaryLogistic();
        return RatingKernel.SquaredError(block, users, rank, factors, gradient, rows);
    }

    public double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null) =>
        s_simd.Multinomial(block, coefficients, intercepts, gradient, rows);

    public double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null) =>
        s_simd.LeastSquares(block, coefficients, intercept, gradient, rows);

    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts) =>
        s_simd.KMeansAssign(block, centers, centerNorms, sums, counts);

    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances) =>
        s_simd.NearestCenters(block, centers, centerNorms, nearest, squaredDistances);

    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins) =>
        s_simd.Margins(block, coefficients, intercepts, margins);
}
