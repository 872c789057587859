namespace Dataflow.MLlib.Evaluation;

/// <summary>The regression metrics of one pass over (label, prediction) pairs.</summary>
/// <param name="Count">Rows.</param>
/// <param name="MeanSquaredError">Σ(y − ŷ)² / n.</param>
/// <param name="MeanAbsoluteError">Σ|y − ŷ| / n.</param>
/// <param name="R2">
/// The coefficient of determination 1 − Σ(y − ŷ)² / Σ(y − ȳ)²; when the labels are constant, 1 for a perfect fit and 0
/// otherwise (scikit-learn's <c>force_finite</c>), never NaN or −∞.
/// </param>
public sealed record RegressionSummary(long Count, double MeanSquaredError, double MeanAbsoluteError, double R2)
{
    /// <summary>√MSE.</summary>
    public double RootMeanSquaredError => Math.Sqrt(MeanSquaredError);
}
