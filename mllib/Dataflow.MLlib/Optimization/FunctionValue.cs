namespace Dataflow.MLlib.Optimization;

/// <summary>The value of a differentiable function at a point, and its gradient there.</summary>
/// <param name="Value">The objective value; a non-finite value tells the optimizer to step back.</param>
/// <param name="Gradient">
/// The gradient, one entry per coordinate. The array is handed over to the optimizer, which may keep it as long as it
/// likes: a function must return a fresh array (an aggregation result is one) and never write it afterwards.
/// </param>
public readonly record struct FunctionValue(double Value, double[] Gradient);
