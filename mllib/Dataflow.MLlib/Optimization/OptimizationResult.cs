namespace Dataflow.MLlib.Optimization;

/// <summary>
/// What an optimizer returns: the point, the objective there, why it stopped and the per-iteration history. Stopping
/// at the iteration limit or on a failed line search is a status, not an exception: the point is then the best one
/// seen, and <see cref="Message"/> says what happened (it is also logged as a warning).
/// </summary>
public sealed class OptimizationResult
{
    internal OptimizationResult(double[] point, double value, double[] gradient, OptimizationStatus status, string message,
        IReadOnlyList<IterationRecord> history)
    {
        Point = point;
        Value = value;
        Gradient = gradient;
        Status = status;
        Message = message;
        History = history;
    }

    /// <summary>
    /// The solution. L-BFGS: the point with the lowest objective seen. Mini-batch SGD: the weights after the last
    /// update (Spark's semantics; the last objective in the history was measured one update before).
    /// </summary>
    public double[] Point { get; }

    /// <summary>The objective belonging to <see cref="Point"/> (L-BFGS), or the last recorded mini-batch objective (SGD).</summary>
    public double Value { get; }

    /// <summary>The gradient belonging to <see cref="Value"/>.</summary>
    public double[] Gradient { get; }

    /// <summary>Why the optimizer stopped.</summary>
    public OptimizationStatus Status { get; }

    /// <summary>Whether a convergence test held (rather than a limit or a failure ending the run).</summary>
    public bool Converged => Status is OptimizationStatus.FunctionValuesConverged or OptimizationStatus.GradientConverged
        or OptimizationStatus.WeightsConverged;

    /// <summary>A one-line account of the stop, for logs and summaries.</summary>
    public string Message { get; }

    /// <summary>One record per iteration (iteration 0 first for L-BFGS), in order.</summary>
    public IReadOnlyList<IterationRecord> History { get; }

    /// <summary>Iterations run, not counting iteration 0.</summary>
    public int Iterations => History.Count == 0 ? 0 : History[^1].Iteration;

    /// <summary>Function evaluations made in total (the sum over <see cref="History"/>).</summary>
    public int Evaluations => History.Sum(r => r.Evaluations);
}
