namespace Dataflow.MLlib.Optimization;

/// <summary>
/// A differentiable objective evaluated asynchronously: in driver-mode training each evaluation is one engine job
/// (broadcast the point, tree-aggregate the partitions' loss and gradient sums), so the optimizers await it instead of
/// blocking a thread. The optimizers know nothing of RDDs; an estimator supplies this function.
/// </summary>
/// <remarks>Spark: DiffFunction (Breeze), RDDLossFunction</remarks>
public interface IDifferentiableFunction
{
    /// <summary>The number of coordinates of a point (and of the gradient).</summary>
    int Dimension { get; }

    /// <summary>
    /// Evaluates the function and its gradient at <paramref name="point"/> (<see cref="Dimension"/> entries).
    /// <paramref name="point"/> is valid only until the returned task completes and must not be kept; copy it (into a
    /// broadcast, say) when it must live longer. A non-finite value or gradient is allowed: the optimizer treats the
    /// point as outside the domain and steps back.
    /// </summary>
    ValueTask<FunctionValue> EvaluateAsync(ReadOnlyMemory<double> point, CancellationToken cancellationToken);
}
