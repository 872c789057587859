namespace Dataflow.MLlib.Optimization;

/// <summary>
/// The penalty (λ/2) Σ w_k² over the <see cref="Keys"/> that are regularised (weights, never intercepts), and its
/// gradient λ·w_k. Shared by the updaters (which add λ·w_k to the gradient of each entry they step), the
/// parameter-server shards and the estimators' objectives, so that every training mode minimises the same function.
/// </summary>
/// <param name="regParam">λ, 0 or more.</param>
/// <param name="keys">The regularised keys.</param>
public sealed class L2Regularization(double regParam, RegularizedKeys keys)
{
    /// <summary>No regularisation.</summary>
    public static L2Regularization None { get; } = new(0, RegularizedKeys.None);

    /// <summary>λ.</summary>
    public double RegParam { get; } = double.IsFinite(regParam) && regParam >= 0
        ? regParam
        : throw new ArgumentOutOfRangeException(nameof(regParam), regParam, "The regularisation parameter λ must be a finite number ≥ 0.");

    /// <summary>The keys the penalty applies to.</summary>
    public RegularizedKeys Keys { get; } = keys ?? throw new ArgumentNullException(nameof(keys));

    /// <summary>Whether the penalty is zero everywhere (λ = 0).</summary>
    public bool IsNone => RegParam == 0;

    /// <summary>(λ/2) Σ w² over the regularised entries of <paramref name="weights"/>, whose first entry is key <paramref name="firstKey"/>.</summary>
    public double Penalty(ReadOnlySpan<double> weights, int firstKey = 0)
    {
        if (IsNone)
        {
            return 0;
        }

        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            if (Keys.Contains(firstKey + i))
            {
                sum += weights[i] * weights[i];
            }
        }

        return 0.5 * RegParam * sum;
    }

    /// <summary>Adds λ·w to the regularised entries of <paramref name="gradient"/> (same length as <paramref name="weights"/>).</summary>
    public void AddGradient(ReadOnlySpan<double> weights, Span<double> gradient, int firstKey = 0)
    {
        Updaters.CheckSameLength(weights.Length, gradient.Length, "gradient");
        if (IsNone)
        {
            return;
        }

        for (var i = 0; i < weights.Length; i++)
        {
            if (Keys.Contains(firstKey + i))
            {
                gradient[i] += RegParam * weights[i];
            }
        }
    }

    /// <summary>λ·w when <paramref name="key"/> is regularised, else 0: the term an updater adds to one entry's gradient.</summary>
    public double GradientOf(double weight, int key) => RegParam != 0 && Keys.Contains(key) ? RegParam * weight : 0;
}
