namespace Dataflow.MLlib.Kernels;

/// <summary>Least squares ½(m − y)².</summary>
internal readonly struct SquaredLoss : IMarginLoss
{
    /// <inheritdoc/>
    public static double Evaluate(double margin, double label, out double derivative)
    {
        var residual = margin - label;
        derivative = residual;
        return 0.5 * residual * residual;
    }
}
