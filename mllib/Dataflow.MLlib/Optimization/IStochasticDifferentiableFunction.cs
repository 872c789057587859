namespace Dataflow.MLlib.Optimization;

/// <summary>
/// An objective whose gradient is estimated on mini-batches: in driver mode each evaluation is one engine job that
/// samples <see cref="MiniBatch.Fraction"/> of the rows inside the cached partitions and aggregates their loss and
/// gradient sums.
/// </summary>
/// <remarks>Spark: Gradient with GradientDescent's sampled <c>treeAggregate</c></remarks>
public interface IStochasticDifferentiableFunction
{
    /// <summary>The number of coordinates of a point (and of the gradient).</summary>
    int Dimension { get; }

    /// <summary>
    /// The mean loss and gradient over the rows of <paramref name="batch"/> at <paramref name="point"/>, which is valid
    /// only until the returned task completes.
    /// </summary>
    ValueTask<MiniBatchValue> EvaluateAsync(ReadOnlyMemory<double> point, MiniBatch batch, CancellationToken cancellationToken);
}
