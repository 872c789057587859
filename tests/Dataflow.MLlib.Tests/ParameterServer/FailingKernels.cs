using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>The SIMD kernels, except that partition <paramref name="partition"/>'s <paramref name="call"/>-th binary logistic
/// call of the first task attempt throws: a worker lost mid-training.</summary>
public sealed class FailingKernels(string key, int partition, int call) : IBlockKernels
{
    private static readonly ConcurrentDictionary<string, int> s_calls = new();
    private readonly SimdKernels _inner = new();

    public string Name => "failing";

    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        var task = TaskContext.Current!;
        if (task.PartitionId == partition && task.AttemptNumber == 0 && s_calls.AddOrUpdate(key, 1, (_, n) => n + 1) == call)
        {
            throw new InvalidOperationException($"worker {partition} lost at its call {call}");
        }

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
