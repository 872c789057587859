namespace Dataflow.MLlib.Optimization;

/// <summary>
/// What one optimizer iteration did: the objective and gradient norm at the point it ended at, how many function
/// evaluations it took (an L-BFGS line search may evaluate several times; each is one engine job in driver mode) and
/// its step size. Iteration 0 is the evaluation of the starting point (L-BFGS).
/// </summary>
/// <param name="Iteration">0 for the starting point, then 1, 2, ...</param>
/// <param name="Value">
/// The objective: for L-BFGS at the point the iteration reached; for mini-batch SGD the mini-batch objective (data loss
/// plus the updater's L2 penalty) at the point the iteration started from, as Spark's loss history.
/// </param>
/// <param name="GradientNorm">The L2 norm of the gradient belonging to <paramref name="Value"/>.</param>
/// <param name="Evaluations">Function evaluations this iteration made (at least 1, except an iteration that stopped because no step could change the objective measurably).</param>
/// <param name="StepSize">The accepted line-search step (L-BFGS), the schedule's step size (SGD), 0 for iteration 0.</param>
public readonly record struct IterationRecord(int Iteration, double Value, double GradientNorm, int Evaluations, double StepSize);
