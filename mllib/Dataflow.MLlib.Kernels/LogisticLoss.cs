namespace Dataflow.MLlib.Kernels;

/// <summary>Binary log-loss log(1 + e^m) − y·m, labels 0 or 1.</summary>
internal readonly struct LogisticLoss : IMarginLoss
{
    /// <inheritdoc/>
    public static double Evaluate(double margin, double label, out double derivative) => StableMath.Logistic(margin, label, out derivative);
}
