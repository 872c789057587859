namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The per-block compute of driver-mode training: loss and gradient sums for the linear models and the assignment
/// step of k-means, over an <see cref="InstanceBlock"/>. Implemented by the managed SIMD kernels
/// (<c>SimdKernels</c>) and by the ILGPU kernels; every implementation gives the same results within float32
/// rounding of the data.
/// </summary>
/// <remarks>
/// Conventions for every method:
/// <list type="bullet">
/// <item>Model parameters, margins and every accumulation are float64; only the data is float32.</item>
/// <item>Results are <b>sums</b> over the rows (not means), so partial results of partitions add up; the caller
/// divides by the row count and adds regularisation.</item>
/// <item>Output spans are <b>added to</b>, never cleared, so one buffer can accumulate several blocks.</item>
/// <item><c>rows</c>: the rows to use, as ascending row indices into the block (a mini-batch), or null for all.</item>
/// <item>Shapes are checked and a mismatch throws <see cref="ArgumentException"/> naming both sizes.</item>
/// </list>
/// A kernel object is used by one task at a time; it may keep scratch buffers (and, on a GPU, device copies of
/// blocks) between calls.
/// </remarks>
public interface IBlockKernels
{
    /// <summary>A short name for logs and benchmark tables ("simd", "ilgpu-cuda", "ilgpu-cpu").</summary>
    string Name { get; }

    /// <summary>
    /// Binary logistic regression with labels 0 or 1 and margin <c>m = x·w + b</c>: adds the gradient of the summed
    /// log-loss to <paramref name="gradient"/> (<c>Features + 1</c> entries, the intercept's last) and returns the
    /// summed loss <c>Σ log(1 + e^m) − y·m</c>, computed stably (no overflow at |m| = 1000).
    /// </summary>
    double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null);

    /// <summary>
    /// Multinomial (softmax) logistic regression with K classes and labels 0..K−1: <paramref name="coefficients"/> is
    /// K × Features row-major, <paramref name="intercepts"/> has K entries; adds the gradient to
    /// <paramref name="gradient"/> (K × Features coefficient entries, then K intercept entries) and returns the summed
    /// loss <c>Σ logΣexp(m) − m_y</c>, computed with log-sum-exp.
    /// </summary>
    double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null);

    /// <summary>
    /// Least squares with prediction <c>x·w + b</c>: adds the gradient of <c>Σ ½(x·w + b − y)²</c> to
    /// <paramref name="gradient"/> (<c>Features + 1</c> entries, intercept last) and returns that sum.
    /// </summary>
    double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null);

    /// <summary>
    /// The k-means assignment step: for each row, the nearest of the k centres (<paramref name="centers"/> k ×
    /// Features row-major, <paramref name="centerNorms"/> their L2 norms), skipping centres that the norm bound
    /// <c>(‖x‖ − ‖c‖)² ≥ best</c> rules out; adds each row to its centre's entry of <paramref name="sums"/> (k ×
    /// Features) and 1 to <paramref name="counts"/> (k), and returns the summed squared distance to the nearest centre.
    /// </summary>
    double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts);

    /// <summary>
    /// For each row, the index of the nearest centre and the squared distance to it (<paramref name="nearest"/> and
    /// <paramref name="squaredDistances"/> have <c>Rows</c> entries and are overwritten): k-means|| costs and
    /// prediction over blocks.
    /// </summary>
    void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances);

    /// <summary>
    /// Margins of every row for K linear functions: <paramref name="margins"/> (Rows × K, overwritten) gets
    /// <c>x·w_k + b_k</c> with <paramref name="coefficients"/> K × Features row-major: prediction over blocks.
    /// </summary>
    void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins);

    /// <summary>
    /// Matrix factorisation: adds the gradient of the summed squared error <c>Σ (U_u·V_i − r)²</c> over the block's
    /// ratings to <paramref name="gradient"/> and returns that sum. A rating is a CSR row with two columns, user u
    /// (below <paramref name="users"/>) and item <c>users + i</c>, and label r; <paramref name="factors"/> and
    /// <paramref name="gradient"/> hold <c>Features × rank</c> values, one row of <paramref name="rank"/> per user then
    /// per item, row-major (<see cref="RatingKernel"/>).
    /// </summary>
    /// <remarks>The default body is the managed SIMD kernel; there is no device kernel yet, and an implementation
    /// with one overrides this.</remarks>
    double MatrixFactorization(InstanceBlock block, int users, int rank, ReadOnlySpan<double> factors, Span<double> gradient, int[]? rows = null) =>
        RatingKernel.SquaredError(block, users, rank, factors, gradient, rows);
}
