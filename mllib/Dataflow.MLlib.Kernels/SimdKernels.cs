namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The managed CPU kernels ("simd"): vectorised C# over <see cref="InstanceBlock"/>s, run on the calling thread (the
/// parallelism of training comes from partitions, one task per block).
/// </summary>
/// <remarks>
/// <para>
/// Dense blocks: the float32 rows are widened to float64 as they are loaded (<see cref="System.Numerics.Vector{T}"/>;
/// on x86 each conversion reads straight from memory), so margins, gradients and distances are float64 throughout,
/// as the contract asks. The linear kernels go through the rows in chunks of 32 (12.8 KB at d = 100): the margins,
/// four rows at a time sharing each load of the weights; the four losses of each four rows as one vector (exp and
/// log included); then the gradient update, which reads the chunk again from L1 and loads and stores each gradient
/// vector once for four rows. Each row is read from memory once per call, and the next rows are prefetched while a
/// chunk is computed. The widening conversions bound these loops; 512-bit vectors were tried and gained nothing
/// (weights and centres 800 bytes apart split 64-byte loads across cache lines). k-means and softmax take four
/// centres or classes per pass over the row. CSR blocks: gathers and scatter-adds through bounds-checked spans.
/// </para>
/// <para>
/// An instance holds no per-call state (scratch lives on the stack or comes from the shared array pool), so one
/// instance may be used by any number of threads at once, beyond the one-task-at-a-time the contract promises.
/// The only shared state is the pair of k-means counters (<see cref="DistancesComputed"/>,
/// <see cref="DistancesSkipped"/>), updated once per call.
/// </para>
/// </remarks>
public sealed partial class SimdKernels : IBlockKernels
{
    private long _distancesComputed;
    private long _distancesSkipped;

    /// <inheritdoc/>
    public string Name => "simd";

    /// <summary>Row-to-centre distances the k-means kernels evaluated, summed over every call on this instance.</summary>
    public long DistancesComputed => Interlocked.Read(ref _distancesComputed);

    /// <summary>Row-to-centre distances the norm bound (‖x‖ − ‖c‖)² ≥ best ruled out without evaluating them.</summary>
    public long DistancesSkipped => Interlocked.Read(ref _distancesSkipped);

    /// <inheritdoc/>
    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        KernelChecks.Linear(nameof(BinaryLogistic), block, coefficients, gradient, rows);
        KernelChecks.BinaryLabels(nameof(BinaryLogistic), block, rows);
        return block.IsSparse
            ? SparseLinear<LogisticLoss>(block, coefficients, intercept, gradient, rows)
            : DenseLinear<LogisticLoss>(block, coefficients, intercept, gradient, rows);
    }

    /// <inheritdoc/>
    public double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        KernelChecks.Linear(nameof(LeastSquares), block, coefficients, gradient, rows);
        return block.IsSparse
            ? SparseLinear<SquaredLoss>(block, coefficients, intercept, gradient, rows)
            : DenseLinear<SquaredLoss>(block, coefficients, intercept, gradient, rows);
    }

    /// <inheritdoc/>
    public double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null)
    {
        KernelChecks.Multinomial(block, coefficients, intercepts, gradient, rows);
        return block.IsSparse
            ? SparseMultinomial(block, coefficients, intercepts, gradient, rows)
            : DenseMultinomial(block, coefficients, intercepts, gradient, rows);
    }

    /// <inheritdoc/>
    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts)
    {
        KernelChecks.KMeansAssign(block, centers, centerNorms, sums, counts);
        return Assign(block, centers, centerNorms, sums, counts, nearest: default, squaredDistances: default);
    }

    /// <inheritdoc/>
    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances)
    {
        KernelChecks.NearestCenters(block, centers, centerNorms, nearest, squaredDistances);
        Assign(block, centers, centerNorms, sums: default, counts: default, nearest, squaredDistances);
    }

    /// <inheritdoc/>
    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
    {
        KernelChecks.Margins(block, coefficients, intercepts, margins);
        if (block.IsSparse)
            SparseMargins(block, coefficients, intercepts, margins);
        else
            DenseMargins(block, coefficients, intercepts, margins);
    }

    private static int RowAt(int[]? rows, int i) => rows is null ? i : rows[i];
}
