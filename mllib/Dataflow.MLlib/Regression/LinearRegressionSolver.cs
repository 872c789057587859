namespace Dataflow.MLlib.Regression;

/// <summary>How <see cref="LinearRegression"/> solves its least-squares problem.</summary>
public enum LinearRegressionSolver
{
    /// <summary>
    /// The normal equations when there are at most <see cref="LinearRegression.MaxNormalEquationFeatures"/> features and
    /// the optimizer is L-BFGS; otherwise the configured optimizer.
    /// </summary>
    Auto,

    /// <summary>
    /// One pass that sums XᵀX and Xᵀy over the blocks, then a Cholesky solve on the driver (falls back to the optimizer,
    /// with a warning, when the system is singular).
    /// </summary>
    NormalEquations,

    /// <summary>The configured iterative optimizer (L-BFGS or mini-batch SGD), one pass per evaluation.</summary>
    Iterative,
}
