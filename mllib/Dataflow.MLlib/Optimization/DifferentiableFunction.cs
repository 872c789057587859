namespace Dataflow.MLlib.Optimization;

/// <summary>Adapters that turn delegates into an <see cref="IDifferentiableFunction"/>.</summary>
/// <example><code>
/// var f = DifferentiableFunction.FromGradient(2, (x, g) => { g[0] = 2 * x[0]; g[1] = 2 * x[1]; return x[0] * x[0] + x[1] * x[1]; });
/// var result = await new Lbfgs().MinimizeAsync(f, new double[] { 1, 1 });
/// </code></example>
public static class DifferentiableFunction
{
    /// <summary>A function computed in memory on the calling thread (small problems, tests, driver-side objectives).</summary>
    public static IDifferentiableFunction FromGradient(int dimension, GradientFunction function)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentNullException.ThrowIfNull(function);
        return new Synchronous(dimension, function);
    }

    /// <summary>A function whose every evaluation is asynchronous work, such as an engine job.</summary>
    public static IDifferentiableFunction FromAsync(int dimension, Func<ReadOnlyMemory<double>, CancellationToken, ValueTask<FunctionValue>> function)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentNullException.ThrowIfNull(function);
        return new Asynchronous(dimension, function);
    }

    private sealed class Synchronous(int dimension, GradientFunction function) : IDifferentiableFunction
    {
        public int Dimension => dimension;

        public ValueTask<FunctionValue> EvaluateAsync(ReadOnlyMemory<double> point, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gradient = new double[dimension];
            var value = function(point.Span, gradient);
            return ValueTask.FromResult(new FunctionValue(value, gradient));
        }
    }

    private sealed class Asynchronous(int dimension, Func<ReadOnlyMemory<double>, CancellationToken, ValueTask<FunctionValue>> function)
        : IDifferentiableFunction
    {
        public int Dimension => dimension;

        public ValueTask<FunctionValue> EvaluateAsync(ReadOnlyMemory<double> point, CancellationToken cancellationToken) =>
            function(point, cancellationToken);
    }
}
