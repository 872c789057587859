using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Tests.Optimization;

/// <summary>Wraps a function and records every evaluation (point and value), as an engine job listener would count jobs.</summary>
internal sealed class CountingFunction(IDifferentiableFunction inner) : IDifferentiableFunction
{
    public int Dimension => inner.Dimension;

    public List<(double[] Point, double Value)> Evaluations { get; } = [];

    public async ValueTask<FunctionValue> EvaluateAsync(ReadOnlyMemory<double> point, CancellationToken cancellationToken)
    {
        var copy = point.ToArray();
        var result = await inner.EvaluateAsync(point, cancellationToken);
        Evaluations.Add((copy, result.Value));
        return result;
    }
}
