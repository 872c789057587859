namespace Dataflow.MLlib.Optimization;

/// <summary>Why an optimizer stopped. Only the first three mean it converged.</summary>
public enum OptimizationStatus
{
    /// <summary>The relative change of the objective between two iterations fell to the tolerance.</summary>
    FunctionValuesConverged,

    /// <summary>The gradient norm fell to the gradient tolerance.</summary>
    GradientConverged,

    /// <summary>The relative change of the weights fell to the tolerance (mini-batch SGD, Spark's <c>convergenceTol</c>).</summary>
    WeightsConverged,

    /// <summary>The iteration limit was reached before any convergence test held; the result is the best point seen.</summary>
    MaxIterations,

    /// <summary>
    /// No step along the search direction decreased the objective, even along the steepest descent after the L-BFGS
    /// memory was dropped (a wrong gradient, or the objective's rounding noise reached); the result is the best point seen.
    /// </summary>
    LineSearchFailed,

    /// <summary>
    /// An evaluation with nothing to step back to was not finite: the starting point (L-BFGS) or a mini-batch
    /// (SGD); the result is the last finite point.
    /// </summary>
    NonFiniteValue,

    /// <summary>The time limit (<c>MaxTime</c>) was reached after an iteration; the result is the point after it.</summary>
    TimeLimit,
}
