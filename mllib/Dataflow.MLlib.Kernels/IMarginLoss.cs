using System.Runtime.Intrinsics;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// A loss of one row through its margin m = x·w + b: the linear kernels are generic over it (a struct, so the JIT
/// compiles one specialised pass per loss with the call inlined).
/// </summary>
internal interface IMarginLoss
{
    /// <summary>The row's loss; <paramref name="derivative"/> gets d loss / d margin, which scales x in the gradient.</summary>
    static abstract double Evaluate(double margin, double label, out double derivative);

    /// <summary>
    /// <see cref="Evaluate"/> for the four rows of a dense step at once (the per-row exp and log would otherwise cost a
    /// third of a logistic pass): the four losses, and the four derivatives.
    /// </summary>
    static abstract Vector256<double> Evaluate4(Vector256<double> margins, Vector256<double> labels, out Vector256<double> derivatives);
}
