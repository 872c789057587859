using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// The SIMD kernels, except that a partition's binary logistic call waits while that partition is more than
/// <paramref name="lead"/> calls ahead of the slowest: workers of equal speed, as equal machines give, instead of what four
/// threads on a loaded two-core machine give (one descheduled for a time slice falls 100 clocks behind). The pacing is
/// in the test's kernels, not in the parameter server, which never makes an ASP read wait.
/// </summary>
public sealed class PacedKernels(string key, int partitions, int lead) : IBlockKernels
{
    private static readonly ConcurrentDictionary<string, Pacer> s_pacers = new();
    private readonly SimdKernels _inner = new();

    public string Name => "paced";

    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        s_pacers.GetOrAdd(key, _ => new Pacer(partitions)).Arrive(TaskContext.Current!.PartitionId, lead);
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

    private sealed class Pacer(int partitions)
    {
        private readonly object _lock = new(); // a monitor: Wait and PulseAll
        private readonly int[] _calls = new int[partitions];

        public void Arrive(int partition, int lead)
        {
            lock (_lock)
            {
                _calls[partition]++;
                Monitor.PulseAll(_lock);
                while (_calls[partition] - _calls.Min() > lead)
                {
                    Monitor.Wait(_lock);
                }
            }
        }
    }
}
