using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Tests.Optimization;

/// <summary>A mini-batch objective from a delegate, recording every batch it was asked for.</summary>
internal sealed class StochasticFunction(int dimension, Func<double[], MiniBatch, MiniBatchValue> evaluate) : IStochasticDifferentiableFunction
{
    public int Dimension => dimension;

    public List<MiniBatch> Batches { get; } = [];

    public ValueTask<MiniBatchValue> EvaluateAsync(ReadOnlyMemory<double> point, MiniBatch batch, CancellationToken cancellationToken)
    {
        Batches.Add(batch);
        return ValueTask.FromResult(evaluate(point.ToArray(), batch));
    }

    /// <summary>½ Σ aᵢ (wᵢ − cᵢ)² + offset, exactly (every batch is the whole function).</summary>
    public static StochasticFunction Quadratic(double[] a, double[] c, double offset = 0) => new(a.Length, (w, _) => QuadraticAt(a, c, offset, w));

    /// <summary>The value and gradient of <see cref="Quadratic"/> at <paramref name="w"/>.</summary>
    public static MiniBatchValue QuadraticAt(double[] a, double[] c, double offset, double[] w)
    {
        var gradient = new double[w.Length];
        var loss = offset;
        for (var i = 0; i < w.Length; i++)
        {
            loss += 0.5 * a[i] * (w[i] - c[i]) * (w[i] - c[i]);
            gradient[i] = a[i] * (w[i] - c[i]);
        }

        return new MiniBatchValue(loss, gradient, 1);
    }
}
