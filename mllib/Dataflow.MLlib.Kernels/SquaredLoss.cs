using System.Runtime.Intrinsics;

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

    /// <inheritdoc/>
    public static Vector256<double> Evaluate4(Vector256<double> margins, Vector256<double> labels, out Vector256<double> derivatives)
    {
        var residuals = margins - labels;
        derivatives = residuals;
        return Vector256.Create(0.5) * residuals * residuals;
    }
}
