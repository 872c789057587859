using System.Runtime.Intrinsics;

namespace Dataflow.MLlib.Kernels;

/// <summary>Binary log-loss log(1 + e^m) − y·m, labels 0 or 1.</summary>
internal readonly struct LogisticLoss : IMarginLoss
{
    /// <inheritdoc/>
    public static double Evaluate(double margin, double label, out double derivative) => StableMath.Logistic(margin, label, out derivative);

    /// <inheritdoc/>
    public static Vector256<double> Evaluate4(Vector256<double> margins, Vector256<double> labels, out Vector256<double> derivatives)
        => StableMath.Logistic(margins, labels, out derivatives);
}
