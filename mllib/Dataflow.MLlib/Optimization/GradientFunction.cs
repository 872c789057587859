namespace Dataflow.MLlib.Optimization;

/// <summary>
/// A synchronous objective for <see cref="DifferentiableFunction.FromGradient"/>: writes the gradient at
/// <paramref name="point"/> into <paramref name="gradient"/> (same length, zeroed on entry) and returns the value.
/// </summary>
public delegate double GradientFunction(ReadOnlySpan<double> point, Span<double> gradient);
