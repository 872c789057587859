namespace Dataflow.MLlib.Optimization;

/// <summary>
/// Plain (stochastic) gradient descent: <c>w_k ← w_k − η_t · (g_k + λ·w_k)</c>, the λ term only on regularised keys.
/// No per-entry state.
/// </summary>
/// <param name="schedule">The step sizes η_t (Spark's mini-batch SGD: <see cref="InverseSqrtStepSchedule"/>).</param>
/// <param name="regularization">The L2 penalty; none when null.</param>
/// <remarks>Spark: SimpleUpdater, SquaredL2Updater</remarks>
public sealed class SgdUpdater(IStepSchedule schedule, L2Regularization? regularization = null) : IUpdater
{
    /// <inheritdoc />
    public IStepSchedule Schedule { get; } = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <inheritdoc />
    public L2Regularization Regularization { get; } = regularization ?? L2Regularization.None;

    /// <inheritdoc />
    public int StatePerEntry => 0;

    /// <inheritdoc />
    public void Update(Span<double> weights, Span<double> state, ReadOnlySpan<double> gradient, int firstKey, long t)
    {
        Updaters.CheckDense(this, weights.Length, state.Length, gradient.Length, t);
        var step = Schedule.StepSize(t);
        var l2 = Regularization;
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] -= step * (gradient[i] + l2.GradientOf(weights[i], firstKey + i));
        }
    }

    /// <inheritdoc />
    public void Update(Span<double> weights, Span<double> state, int firstKey, ReadOnlySpan<int> keys, ReadOnlySpan<double> gradient, long t)
    {
        Updaters.CheckSparse(this, weights.Length, state.Length, firstKey, keys, gradient.Length, t);
        var step = Schedule.StepSize(t);
        var l2 = Regularization;
        for (var j = 0; j < keys.Length; j++)
        {
            var i = keys[j] - firstKey;
            weights[i] -= step * (gradient[j] + l2.GradientOf(weights[i], keys[j]));
        }
    }
}
