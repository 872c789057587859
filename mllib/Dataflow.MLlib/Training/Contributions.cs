using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Training;

/// <summary>
/// The <see cref="BlockContribution"/>s of the linear models: one kernel call per block writing the gradient sums
/// into the first entries of the pass's sums and adding the loss to the last. The model layout matches the
/// gradient's: weights first, then the intercept(s).
/// </summary>
internal static class Contributions
{
    /// <summary>Binary logistic loss: model and gradient are <c>d</c> weights then the intercept; sums <c>d + 2</c>.</summary>
    public static BlockContribution BinaryLogistic(IBlockKernels kernels, int features)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        return (block, model, sums, rows) =>
            sums[features + 1] += kernels.BinaryLogistic(block, model.AsSpan(0, features), model[features], sums.AsSpan(0, features + 1), rows);
    }

    /// <summary>
    /// Softmax loss over <paramref name="classes"/> classes: model and gradient are K × d coefficients (row-major) then
    /// K intercepts; sums <c>K·d + K + 1</c>.
    /// </summary>
    public static BlockContribution Multinomial(IBlockKernels kernels, int classes, int features)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        var coefficients = classes * features;
        var dimension = coefficients + classes;
        return (block, model, sums, rows) =>
            sums[dimension] += kernels.Multinomial(block, model.AsSpan(0, coefficients), model.AsSpan(coefficients, classes), sums.AsSpan(0, dimension), rows);
    }

    /// <summary>Least squares ½(x·w + b − y)²: model and gradient are <c>d</c> weights then the intercept; sums <c>d + 2</c>.</summary>
    public static BlockContribution LeastSquares(IBlockKernels kernels, int features)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        return (block, model, sums, rows) =>
            sums[features + 1] += kernels.LeastSquares(block, model.AsSpan(0, features), model[features], sums.AsSpan(0, features + 1), rows);
    }
}
