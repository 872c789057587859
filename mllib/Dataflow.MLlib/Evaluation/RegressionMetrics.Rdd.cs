namespace Dataflow.MLlib.Evaluation;

public static partial class RegressionMetrics
{
    /// <summary><see cref="RootMeanSquaredError(ReadOnlySpan{double}, ReadOnlySpan{double})"/> over (label, prediction) pairs, in one job.</summary>
    public static async Task<double> RootMeanSquaredErrorAsync(Rdd<(double Label, double Prediction)> data,
        CancellationToken cancellationToken = default) =>
        (await SummarizeAsync(data, cancellationToken)).RootMeanSquaredError;

    /// <summary><see cref="R2(ReadOnlySpan{double}, ReadOnlySpan{double})"/> over (label, prediction) pairs, in one job.</summary>
    public static async Task<double> R2Async(Rdd<(double Label, double Prediction)> data, CancellationToken cancellationToken = default) =>
        (await SummarizeAsync(data, cancellationToken)).R2;

    /// <summary>
    /// Every regression metric over (label, prediction) pairs in one tree aggregation. The label variance is merged
    /// across partitions with Chan et al.'s pairwise update of (count, mean, Σ(y − ȳ)²), which keeps R² accurate when
    /// the labels' mean is large relative to their spread (Σy² − nȳ² would cancel).
    /// </summary>
    public static async Task<RegressionSummary> SummarizeAsync(Rdd<(double Label, double Prediction)> data,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (count, _, total, squares, absolute) = await data.TreeAggregateAsync((Count: 0L, Mean: 0.0, M2: 0.0, Squares: 0.0, Absolute: 0.0),
            static (acc, p) =>
            {
                var label = MetricChecks.NotNaN(p.Label, "label");
                var residual = label - MetricChecks.NotNaN(p.Prediction, "prediction");
                var n = acc.Count + 1;
                var delta = label - acc.Mean;
                var mean = acc.Mean + delta / n;
                return (n, mean, acc.M2 + delta * (label - mean), acc.Squares + residual * residual, acc.Absolute + Math.Abs(residual));
            },
            static (a, b) =>
            {
                if (a.Count == 0 || b.Count == 0)
                {
                    return a.Count == 0 ? b : a;
                }

                var n = a.Count + b.Count;
                var delta = b.Mean - a.Mean;
                return (n, a.Mean + delta * b.Count / n, a.M2 + b.M2 + delta * delta * ((double)a.Count * b.Count / n),
                    a.Squares + b.Squares, a.Absolute + b.Absolute);
            }, cancellationToken: cancellationToken);
        MetricChecks.NotEmpty(count);
        return new RegressionSummary(count, squares / count, absolute / count, CoefficientOfDetermination(squares, total));
    }
}
