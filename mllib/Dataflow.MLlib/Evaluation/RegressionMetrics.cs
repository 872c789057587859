namespace Dataflow.MLlib.Evaluation;

/// <summary>
/// Metrics of a regression's predictions, with scikit-learn's semantics: over in-memory arrays here, over an
/// <see cref="Rdd{T}"/> of (label, prediction) pairs in the <c>...Async</c> overloads, which compute every metric in one
/// engine job (the rows never reach the driver).
/// </summary>
/// <remarks>Spark: RegressionMetrics; scikit-learn: mean_squared_error, root_mean_squared_error, r2_score</remarks>
public static partial class RegressionMetrics
{
    /// <summary>The root mean squared error √(Σ(y − ŷ)² / n).</summary>
    public static double RootMeanSquaredError(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) =>
        Summarize(labels, predictions).RootMeanSquaredError;

    /// <summary>The coefficient of determination R² (see <see cref="RegressionSummary.R2"/>).</summary>
    public static double R2(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) => Summarize(labels, predictions).R2;

    /// <summary>Every regression metric, in two passes over the arrays (the mean first, so Σ(y − ȳ)² is computed directly).</summary>
    public static RegressionSummary Summarize(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricChecks.SameLength(labels.Length, predictions.Length, nameof(predictions));
        var mean = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            mean += MetricChecks.NotNaN(labels[i], "label", i);
        }

        mean /= labels.Length;
        double squares = 0, absolute = 0, total = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var residual = labels[i] - MetricChecks.NotNaN(predictions[i], "prediction", i);
            squares += residual * residual;
            absolute += Math.Abs(residual);
            total += (labels[i] - mean) * (labels[i] - mean);
        }

        return new RegressionSummary(labels.Length, squares / labels.Length, absolute / labels.Length, CoefficientOfDetermination(squares, total));
    }

    internal static double CoefficientOfDetermination(double residualSquares, double totalSquares) =>
        totalSquares > 0 ? 1 - residualSquares / totalSquares : residualSquares == 0 ? 1 : 0;
}
