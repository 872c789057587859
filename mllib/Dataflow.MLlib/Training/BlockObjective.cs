using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Training;

/// <summary>
/// The objective of driver-mode training: mean loss over the cached blocks plus an L2 penalty, where every
/// evaluation (full or mini-batch) is exactly one <see cref="BlockPass"/>, i.e. one engine job. The optimizers see
/// only <see cref="IDifferentiableFunction"/> and <see cref="IStochasticDifferentiableFunction"/>.
/// </summary>
/// <remarks>
/// The pass's sums are the gradient's <see cref="Dimension"/> entries followed by the summed loss, as the
/// <see cref="Contributions"/> write them. A full evaluation returns <c>loss / n + (λ/2)‖w‖²</c> and its gradient; a
/// mini-batch one the batch's mean loss and gradient without the penalty, which the updater adds.
/// <para>Spark: RDDLossFunction</para>
/// </remarks>
internal sealed class BlockObjective(
    Rdd<InstanceBlock> blocks, int dimension, BlockContribution contribution, L2Regularization regularization, int depth, IterationRecorder? recorder)
    : IDifferentiableFunction, IStochasticDifferentiableFunction
{
    private int _passes;

    /// <inheritdoc cref="IDifferentiableFunction.Dimension"/>
    public int Dimension => dimension;

    /// <summary>Passes (engine jobs) made so far.</summary>
    public int Passes => Volatile.Read(ref _passes);

    /// <inheritdoc />
    public async ValueTask<FunctionValue> EvaluateAsync(ReadOnlyMemory<double> point, CancellationToken cancellationToken)
    {
        var (gradient, loss, rows) = await PassAsync(point, null, cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            throw new InvalidOperationException("The training data has no rows; the objective is undefined.");
        }

        Scale(gradient, 1.0 / rows);
        regularization.AddGradient(point.Span, gradient);
        return new FunctionValue((loss / rows) + regularization.Penalty(point.Span), gradient);
    }

    /// <inheritdoc />
    public async ValueTask<MiniBatchValue> EvaluateAsync(ReadOnlyMemory<double> point, MiniBatch batch, CancellationToken cancellationToken)
    {
        var (gradient, loss, rows) = await PassAsync(point, batch, cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return new MiniBatchValue(0, gradient, 0);
        }

        Scale(gradient, 1.0 / rows);
        return new MiniBatchValue(loss / rows, gradient, rows);
    }

    private async Task<(double[] Gradient, double Loss, long Rows)> PassAsync(ReadOnlyMemory<double> point, MiniBatch? batch, CancellationToken cancellationToken)
    {
        if (point.Length != dimension)
        {
            throw new ArgumentException($"The point has {point.Length} coordinates but the objective has dimension {dimension}.", nameof(point));
        }

        Interlocked.Increment(ref _passes);
        var result = await BlockPass.RunAsync(blocks, point, dimension + 1, contribution, batch, depth, recorder, cancellationToken)
            .ConfigureAwait(false);
        return (result.Sums.AsSpan(0, dimension).ToArray(), result.Sums[dimension], result.Rows);
    }

    private static void Scale(double[] values, double factor)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }
}
