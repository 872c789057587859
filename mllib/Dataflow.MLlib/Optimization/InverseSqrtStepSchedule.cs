namespace Dataflow.MLlib.Optimization;

/// <summary>η_t = η / √t: Spark's mini-batch SGD schedule (<c>stepSize / sqrt(iter)</c>, iterations from 1).</summary>
/// <param name="step">η, positive: the step of the first update.</param>
public sealed class InverseSqrtStepSchedule(double step) : IStepSchedule
{
    /// <summary>η.</summary>
    public double Step { get; } = StepSchedules.CheckStep(step);

    /// <inheritdoc />
    public double StepSize(long t)
    {
        StepSchedules.CheckUpdateNumber(t);
        return Step / Math.Sqrt(t);
    }
}
