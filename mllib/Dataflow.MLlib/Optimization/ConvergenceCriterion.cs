namespace Dataflow.MLlib.Optimization;

/// <summary>What mini-batch SGD compares with its tolerance.</summary>
public enum ConvergenceCriterion
{
    /// <summary>The relative change of the mini-batch objective between iterations, as L-BFGS.</summary>
    Objective,

    /// <summary>
    /// The change of the weights made by an update, ‖w′ − w‖₂ ≤ tolerance · max(‖w′‖₂, 1) (Spark's
    /// <c>convergenceTol</c>): less noisy than the objective when batches are small.
    /// </summary>
    Weights,
}
