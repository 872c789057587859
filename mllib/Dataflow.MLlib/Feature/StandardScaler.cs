using System.Runtime.CompilerServices;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Feature;

/// <summary>
/// Learns each feature's mean and population standard deviation from training data, in one distributed pass, for a
/// <see cref="StandardScalerModel"/> that standardises data with them: dense vectors to <c>(x − mean) / std</c>, sparse
/// vectors to <c>x / std</c> so they stay sparse. A constant feature (std 0) becomes 0.
/// </summary>
/// <example><code>
/// var scaler = await new StandardScaler().FitAsync(train, ct);
/// var scaledTrain = scaler.Transform(train);
/// var scaledTest = scaler.Transform(test); // the training statistics, not the test data's
/// </code></example>
/// <remarks>
/// Statistics are float64 and numerically careful (Welford within partitions, pairwise merges between them), so
/// features with a large offset and a small spread keep their precision. The standard deviation is the population one
/// (divided by n), which is what standardising the training set itself needs.
/// <para>Spark: org.apache.spark.ml.feature.StandardScaler (withMean = true for dense data; withMean = false for
/// sparse data; Spark divides by n − 1)</para>
/// </remarks>
public sealed class StandardScaler
{
    /// <summary>Computes the statistics of the points' features (one tree-aggregation job).</summary>
    /// <param name="points">The training data; all vectors need the same size.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Task<StandardScalerModel> FitAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        return FitAsync(points.Select(static p => p.Features, callerFile, callerLine), cancellationToken, callerFile, callerLine);
    }

    /// <summary>Computes the statistics of the vectors (one tree-aggregation job).</summary>
    /// <param name="vectors">The training vectors; all need the same size.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <exception cref="InvalidOperationException">The data is empty.</exception>
    public async Task<StandardScalerModel> FitAsync(Rdd<Vector> vectors, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var state = await vectors.TreeAggregateAsync(FeatureMoments.Empty, FeatureMoments.Add, FeatureMoments.Merge, 2,
            cancellationToken, callerFile, callerLine);
        if (state.Rows == 0)
        {
            throw new InvalidOperationException("StandardScaler cannot be fitted to empty data: the training set has no rows.");
        }

        var (mean, std) = FeatureMoments.Finish(state);
        return new StandardScalerModel(mean, std, state.Rows);
    }
}
