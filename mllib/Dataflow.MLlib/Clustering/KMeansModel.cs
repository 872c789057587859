using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Persistence;

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// k cluster centres: predicts the index of the nearest centre (squared Euclidean distance, ties to the lowest
/// index) for one vector or, lazily in the tasks, for an RDD; computes the cost of data; saves and loads.
/// </summary>
/// <example><code>
/// var model = await new KMeans { K = 3, Runs = 5, Seed = 1 }.FitAsync(points, ct);
/// var cluster = model.Predict(Vectors.Dense(5.1, 3.5, 1.4, 0.2));
/// var cost = await model.ComputeCostAsync(points, ct);
/// await model.SaveAsync("models/iris-kmeans", cancellationToken: ct);
/// var again = await KMeansModel.LoadAsync("models/iris-kmeans", ct);
/// </code></example>
/// <remarks>Spark: org.apache.spark.ml.clustering.KMeansModel (clusterCenters, predict, transform, computeCost)</remarks>
public sealed class KMeansModel
{
    private const string ModelType = nameof(KMeansModel);

    private readonly double[][] _centers;

    /// <summary>A model of the given centres (all of one size).</summary>
    /// <param name="clusterCenters">At least one centre; all the same size, all values finite.</param>
    public KMeansModel(IEnumerable<Vector> clusterCenters)
        : this(clusterCenters?.Select(c => c?.ToArray() ?? throw new ArgumentException("A cluster centre is null.", nameof(clusterCenters))).ToArray()!, null)
    {
    }

    internal KMeansModel(double[][] centers, KMeansSummary? summary)
    {
        ArgumentNullException.ThrowIfNull(centers);
        if (centers.Length == 0)
            throw new ArgumentException("A k-means model needs at least one cluster centre.", nameof(centers));
        if (centers.Any(c => c.Length != centers[0].Length))
            throw new ArgumentException($"Every cluster centre needs {centers[0].Length} features, as the first; got {string.Join(", ", centers.Select(c => c.Length).Distinct())}.", nameof(centers));
        if (centers.Any(c => c.Any(v => !double.IsFinite(v))))
            throw new ArgumentException("Cluster centres must be finite.", nameof(centers));
        _centers = centers;
        Summary = summary;
        ClusterCenters = [.. centers.Select(c => (Vector)new DenseVector((double[])c.Clone()))];
    }

    /// <summary>The centres, dense, in cluster order.</summary>
    public IReadOnlyList<Vector> ClusterCenters { get; }

    /// <summary>The number of clusters.</summary>
    public int K => _centers.Length;

    /// <summary>The number of features of the centres (and of the vectors to predict).</summary>
    public int NumFeatures => _centers[0].Length;

    /// <summary>What fitting did; null for a loaded or hand-built model.</summary>
    /// <remarks>Spark: summary / hasSummary</remarks>
    public KMeansSummary? Summary { get; }

    /// <summary>The index of the nearest centre (the lowest of equally near ones).</summary>
    /// <param name="features">A vector of <see cref="NumFeatures"/> entries, dense or sparse.</param>
    /// <exception cref="ArgumentException">The vector has another size.</exception>
    public int Predict(Vector features) => Nearest(features, _centers);

    /// <summary>The nearest centre's index for each vector, in order; computed in the tasks.</summary>
    /// <param name="vectors">Vectors of <see cref="NumFeatures"/> entries.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<int> Transform(Rdd<Vector> vectors, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var centers = _centers;
        return vectors.Select(v => Nearest(v, centers), callerFile, callerLine);
    }

    /// <summary>The nearest centre's index for each point's features, in order (labels are ignored).</summary>
    /// <param name="points">Points of <see cref="NumFeatures"/> features.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<int> Transform(Rdd<LabeledPoint> points, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var centers = _centers;
        return points.Select(p => Nearest(p.Features, centers), callerFile, callerLine);
    }

    /// <summary>
    /// The sum of squared distances of the vectors to their nearest centre: one job, over the vectors packed into
    /// blocks (float32 values, as training uses) with the same kernel as training.
    /// </summary>
    /// <param name="vectors">Vectors of <see cref="NumFeatures"/> entries.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <remarks>Spark: computeCost (mllib), ClusteringEvaluator's training cost</remarks>
    public Task<double> ComputeCostAsync(Rdd<Vector> vectors, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        return ComputeCostAsync(vectors.Select(static v => new LabeledPoint(0, v), callerFile, callerLine), cancellationToken, callerFile, callerLine);
    }

    /// <summary>The sum of squared distances of the points' features to their nearest centre (one job).</summary>
    /// <param name="points">Points of <see cref="NumFeatures"/> features.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public async Task<double> ComputeCostAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var blocks = points.ToBlocks(numFeatures: NumFeatures, callerFile: callerFile, callerLine: callerLine);
        var totals = await KMeansPasses.AssignAsync(blocks, [CenterSets.Flatten(_centers, NumFeatures)], K, NumFeatures, new SimdKernels(), 2, null,
            cancellationToken);
        return totals.Costs[0];
    }

    /// <summary>Saves the centres under <paramref name="directory"/> (metadata.json and data.bin).</summary>
    /// <param name="directory">The model directory; an existing non-empty one is an error unless <paramref name="overwrite"/>.</param>
    /// <param name="overwrite">Replace an existing directory.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task SaveAsync(string directory, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject { ["k"] = K, ["numFeatures"] = NumFeatures };
        if (Summary is { } summary)
        {
            parameters["trainingCost"] = summary.Cost;
            parameters["iterations"] = summary.Iterations;
        }

        return ModelStore.SaveAsync(directory, ModelType, parameters, CenterSets.Flatten(_centers, NumFeatures), overwrite, cancellationToken);
    }

    /// <summary>Loads a model saved by <see cref="SaveAsync"/>.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ModelFormatException">Another model type, a newer format, or damaged files.</exception>
    public static async Task<KMeansModel> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var (parameters, data) = await ModelStore.LoadAsync(directory, ModelType, cancellationToken);
        int k, d;
        try
        {
            k = parameters["k"]!.GetValue<int>();
            d = parameters["numFeatures"]!.GetValue<int>();
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"{directory}: the k-means metadata lacks an integer 'k' or 'numFeatures'.", e);
        }

        if (k < 1 || d < 1 || (long)k * d != data.Length)
        {
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{directory}: a k-means model of k = {k} centres of {d} features needs {(long)k * d} numbers, but the data holds {data.Length}."));
        }

        return new KMeansModel([.. Enumerable.Range(0, k).Select(c => data.AsSpan(c * d, d).ToArray())], null);
    }

    internal static int Nearest(Vector features, double[][] centers)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Size != centers[0].Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The vector has {features.Size} features, but the model's centres have {centers[0].Length}; predict with vectors of the training data's features."), nameof(features));
        }

        return features is DenseVector dense ? LocalKMeans.Nearest(dense.Values, centers) : LocalKMeans.Nearest(features.ToArray(), centers);
    }
}
