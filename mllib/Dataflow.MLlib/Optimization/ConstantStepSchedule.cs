namespace Dataflow.MLlib.Optimization;

/// <summary>The same step size for every update: η_t = η.</summary>
/// <param name="step">η, positive.</param>
public sealed class ConstantStepSchedule(double step) : IStepSchedule
{
    /// <summary>η.</summary>
    public double Step { get; } = StepSchedules.CheckStep(step);

    /// <inheritdoc />
    public double StepSize(long t)
    {
        StepSchedules.CheckUpdateNumber(t);
        return Step;
    }
}
