using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Training;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// k-means clustering in driver (BSP) mode: the data is packed once into blocks and persisted; each run gets initial
/// centres (k-means|| by default, or random rows); then every Lloyd iteration broadcasts the centres of all runs still
/// active, assigns each row to its nearest centre with the kernels' norm-bound assignment, tree-aggregates the
/// per-centre sums, counts and costs to the driver (<b>one engine job per iteration for all runs</b>), and moves each
/// centre to the mean of its rows. A run stops when no centre moved more than <see cref="Tolerance"/>, or after
/// <see cref="MaxIterations"/>; the run with the lowest final cost is kept.
/// </summary>
/// <example><code>
/// var model = await new KMeans { K = 3, Runs = 5, Seed = 1 }.FitAsync(points, ct);
/// Console.WriteLine($"cost {model.Summary!.Cost}, {model.Summary.Iterations} iterations");
/// </code></example>
/// <remarks>
/// <para><b>Cost</b>: the sum of squared Euclidean distances of the rows to their nearest centre (float64 sums over
/// the float32 values of the blocks).</para>
/// <para><b>Empty clusters</b>: a centre that no row is nearest after an assignment is moved to the row farthest from
/// its nearest centre (several empty clusters of a run take the farthest rows in order; ties to the earlier
/// partition and row), found by one more job in that iteration only. When every row coincides with a centre there is
/// no such row, and the empty centre stays where it was (it duplicates another): centres are never NaN.</para>
/// <para><b>Jobs</b>: one that describes the data (and draws random initial rows); k-means|| adds two per
/// initialisation step and one for the candidates' weights; then one per Lloyd iteration (plus one in an iteration
/// that re-seeds an empty cluster), and one last job for the final cost of every run. Each iteration's time is cut
/// into the phases of <see cref="Training.IterationTimings"/> (<see cref="KMeansSummary.Timings"/>).</para>
/// <para><b>Determinism</b>: every random choice is a hash of (<see cref="Seed"/>, run, partition, row), and partial
/// results are combined in partition order, so the same data in the same partitions gives the same model on every
/// master.</para>
/// <para>Spark: org.apache.spark.ml.clustering.KMeans (k = 2, maxIter = 20, tol = 1e-4, initMode = "k-means||",
/// initSteps = 2), with <c>runs</c> from Spark 1.x's MLlib</para>
/// </remarks>
public sealed class KMeans
{
    /// <summary>The number of clusters, ≥ 1. Default 2.</summary>
    public int K { get; set; } = 2;

    /// <summary>The most Lloyd iterations per run, ≥ 1. Default 20.</summary>
    public int MaxIterations { get; set; } = 20;

    /// <summary>A run has converged when no centre moved farther than this (Euclidean distance), ≥ 0. Default 1e-4.</summary>
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>Independent initialisations run together (their Lloyd iterations share jobs); the cheapest is kept. Default 1.</summary>
    public int Runs { get; set; } = 1;

    /// <summary>The seed of every random choice. Default 1.</summary>
    public long Seed { get; set; } = 1;

    /// <summary>How initial centres are chosen. Default <see cref="KMeansInitialization.KMeansParallel"/>.</summary>
    public KMeansInitialization Initialization { get; set; } = KMeansInitialization.KMeansParallel;

    /// <summary>k-means|| sampling rounds, ≥ 1. Default 2 (Spark's initSteps).</summary>
    public int InitializationSteps { get; set; } = 2;

    /// <summary>
    /// Initial centres to start from instead (K of them, each of the data's size); then one run is made, whatever
    /// <see cref="Runs"/> says, since every run would be the same. Default null.
    /// </summary>
    /// <remarks>Spark: initialModel</remarks>
    public IReadOnlyList<Vector>? InitialCenters { get; set; }

    /// <summary>The depth of the tree aggregations, ≥ 1. Default 2.</summary>
    public int AggregationDepth { get; set; } = 2;

    /// <summary>
    /// Where the per-block kernels run: <c>auto</c>, <c>gpu</c>, <c>cpu</c> or <c>ilgpu-cpu</c> (see
    /// <see cref="BlockKernels.Create(KernelDevice, Microsoft.Extensions.Logging.ILogger?)"/>). Default null: the context's
    /// <c>Dataflow:ML:Device</c> (<c>--device</c>; itself <c>auto</c> by default). Fitting with <c>gpu</c> where ILGPU
    /// finds no CUDA device throws <see cref="DeviceNotFoundException"/> before any job runs.
    /// </summary>
    public KernelDevice? Device { get; set; }

    /// <summary>
    /// The per-block kernels run in the tasks, overriding <see cref="Device"/> when set. Default null: an
    /// <see cref="ExecutorKernels"/> for <see cref="Device"/>, created once per executor.
    /// </summary>
    public IBlockKernels? Kernels { get; set; }

    /// <summary>Where progress (one line per iteration) goes. Default none.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Clusters the points' features (labels are ignored).</summary>
    /// <param name="points">The data; every row needs the same number of features.</param>
    /// <param name="cancellationToken">Cancels the running job and the fit.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (named).</exception>
    /// <exception cref="InvalidOperationException">The data has fewer rows than <see cref="K"/>, or no features.</exception>
    public Task<KMeansModel> FitAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        Validate();
        return FitBlocksAsync(points.ToBlocks(callerFile: callerFile, callerLine: callerLine), cancellationToken, callerFile, callerLine);
    }

    /// <summary>Clusters the vectors.</summary>
    /// <param name="vectors">The data; every vector needs the same size.</param>
    /// <param name="cancellationToken">Cancels the running job and the fit.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (named).</exception>
    /// <exception cref="InvalidOperationException">The data has fewer rows than <see cref="K"/>, or no features.</exception>
    public Task<KMeansModel> FitAsync(Rdd<Vector> vectors, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        return FitAsync(vectors.Select(static v => new LabeledPoint(0, v), callerFile, callerLine), cancellationToken, callerFile, callerLine);
    }

    private void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(K, 1, nameof(K));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(Runs, 1, nameof(Runs));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitializationSteps, 1, nameof(InitializationSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(AggregationDepth, 1, nameof(AggregationDepth));
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "The tolerance must be finite and ≥ 0.");
        if (!Enum.IsDefined(Initialization))
            throw new ArgumentOutOfRangeException(nameof(Initialization), Initialization, "Unknown initialisation mode.");
        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
        if (Device is { } device && !Enum.IsDefined(device))
            throw new ArgumentOutOfRangeException(nameof(Device), device, $"Unknown kernel device; use one of {BlockKernels.DeviceNames}.");
        if (InitialCenters is { } initial && initial.Count != K)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"InitialCenters holds {initial.Count} centres but K is {K}; give one initial centre per cluster."), nameof(InitialCenters));
        }
    }

    private async Task<KMeansModel> FitBlocksAsync(Rdd<InstanceBlock> blocks, CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var started = Stopwatch.GetTimestamp();
        var kernels = ExecutorKernels.For(Kernels, Device, blocks.Context, Logger);
        blocks.Persist(StorageLevel.MemoryAndDisk);
        try
        {
            var runs = InitialCenters is null ? Runs : 1;
            var picks = InitialCenters is not null ? 0 : Initialization == KMeansInitialization.Random ? K : 1;
            var data = await KMeansPasses.DescribeAsync(blocks, Seed, runs, picks, AggregationDepth, cancellationToken, callerFile, callerLine);
            var d = data.Features;
            if (data.Rows < K)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"k-means with K = {K} needs at least {K} rows, but the data has {data.Rows}; lower K or give more data."));
            }

            if (d < 1)
                throw new InvalidOperationException("k-means needs at least one feature, but the rows have none.");

            var initial = InitialCenters is { } given ? [Given(given, d)]
                : Initialization == KMeansInitialization.Random ? [.. data.Picks.Select(p => CenterSets.Flatten([.. p.Select(x => x.Values)], d))]
                : await KMeansParallel.InitializeAsync(blocks, [.. data.Picks.Select(p => p[0].Values)], K, d, InitializationSteps, Seed,
                    AggregationDepth, kernels, cancellationToken, callerFile, callerLine);
            var initialized = Stopwatch.GetElapsedTime(started);
            var lloyd = await new LloydIterations(blocks, K, d, MaxIterations, Tolerance, AggregationDepth, kernels, Logger)
                .RunAsync(initial, cancellationToken);
            return Finish(lloyd, initial, d, initialized, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            await blocks.UnpersistAsync();
        }
    }

    private KMeansModel Finish(LloydIterations.Result lloyd, double[][] initial, int d, TimeSpan initialized, TimeSpan total)
    {
        var best = 0;
        for (var r = 1; r < lloyd.Costs.Length; r++)
        {
            if (lloyd.Costs[r] < lloyd.Costs[best])
                best = r;
        }

        var centers = Enumerable.Range(0, K).Select(c => lloyd.Centers[best].AsSpan(c * d, d).ToArray()).ToArray();
        var summary = new KMeansSummary(lloyd.Costs[best], lloyd.History[best], lloyd.Converged[best],
            [.. Enumerable.Range(0, K).Select(c => (Vector)new DenseVector(initial[best].AsSpan(c * d, d).ToArray()))],
            lloyd.Sizes[best], lloyd.Costs, best, initialized, lloyd.Timings, total);
        Logger.LogInformation("k-means: kept run {Run} of {Runs}, cost {Cost}, {Iterations} iterations{Converged}.", best, lloyd.Costs.Length,
            summary.Cost, summary.Iterations, summary.Converged ? ", converged" : ", not converged");
        return new KMeansModel(centers, summary);
    }

    private double[] Given(IReadOnlyList<Vector> centers, int d)
    {
        foreach (var center in centers)
        {
            ArgumentNullException.ThrowIfNull(center, nameof(centers));
            if (center.Size != d)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"An initial centre has {center.Size} features but the data has {d}; give centres of the data's size."), nameof(centers));
            }
        }

        return CenterSets.Flatten([.. centers.Select(c => c.ToArray())], d);
    }
}
