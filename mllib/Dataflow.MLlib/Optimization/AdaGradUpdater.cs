namespace Dataflow.MLlib.Optimization;

/// <summary>
/// AdaGrad (Duchi, Hazan &amp; Singer 2011), per entry: with h = g_k + λ·w_k (the λ term only on regularised keys),
/// <c>G_k ← G_k + h²</c> and <c>w_k ← w_k − η_t · h / (√G_k + ε)</c>. G_k is the one state entry per weight, held by the
/// caller (a shard keeps it beside its weights).
/// </summary>
/// <param name="schedule">The step sizes η_t; default a constant 0.5.</param>
/// <param name="epsilon">ε, added to √G so that a first tiny gradient does not take a huge step; default 1e-8.</param>
/// <param name="regularization">The L2 penalty; none when null.</param>
public sealed class AdaGradUpdater(IStepSchedule? schedule = null, double epsilon = AdaGradUpdater.DefaultEpsilon,
    L2Regularization? regularization = null) : IUpdater
{
    /// <summary>The default step size η.</summary>
    public const double DefaultStep = 0.5;

    /// <summary>The default ε.</summary>
    public const double DefaultEpsilon = 1e-8;

    /// <inheritdoc />
    public IStepSchedule Schedule { get; } = schedule ?? new ConstantStepSchedule(DefaultStep);

    /// <summary>ε.</summary>
    public double Epsilon { get; } = double.IsFinite(epsilon) && epsilon > 0
        ? epsilon
        : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "AdaGrad's ε must be a finite number > 0.");

    /// <inheritdoc />
    public L2Regularization Regularization { get; } = regularization ?? L2Regularization.None;

    /// <inheritdoc />
    public int StatePerEntry => 1;

    /// <inheritdoc />
    public void Update(Span<double> weights, Span<double> state, ReadOnlySpan<double> gradient, int firstKey, long t)
    {
        Updaters.CheckDense(this, weights.Length, state.Length, gradient.Length, t);
        var step = Schedule.StepSize(t);
        for (var i = 0; i < weights.Length; i++)
        {
            Step(ref weights[i], ref state[i], gradient[i], firstKey + i, step);
        }
    }

    /// <inheritdoc />
    public void Update(Span<double> weights, Span<double> state, int firstKey, ReadOnlySpan<int> keys, ReadOnlySpan<double> gradient, long t)
    {
        Updaters.CheckSparse(this, weights.Length, state.Length, firstKey, keys, gradient.Length, t);
        var step = Schedule.StepSize(t);
        for (var j = 0; j < keys.Length; j++)
        {
            var i = keys[j] - firstKey;
            Step(ref weights[i], ref state[i], gradient[j], keys[j], step);
        }
    }

    private void Step(ref double weight, ref double squares, double gradient, int key, double step)
    {
        var h = gradient + Regularization.GradientOf(weight, key);
        squares += h * h;
        weight -= step * h / (Math.Sqrt(squares) + Epsilon);
    }
}
