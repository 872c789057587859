namespace Dataflow.MLlib.Optimization;

/// <summary>η_t = η / (1 + decay · (t − 1)): inverse-time decay, with η at the first update.</summary>
/// <param name="step">η, positive.</param>
/// <param name="decay">The decay rate, 0 or more (0 is a constant step).</param>
public sealed class InverseTimeStepSchedule(double step, double decay) : IStepSchedule
{
    /// <summary>η.</summary>
    public double Step { get; } = StepSchedules.CheckStep(step);

    /// <summary>The decay rate.</summary>
    public double Decay { get; } = double.IsFinite(decay) && decay >= 0
        ? decay
        : throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay rate must be a finite number ≥ 0.");

    /// <inheritdoc />
    public double StepSize(long t)
    {
        StepSchedules.CheckUpdateNumber(t);
        return Step / (1 + Decay * (t - 1));
    }
}
