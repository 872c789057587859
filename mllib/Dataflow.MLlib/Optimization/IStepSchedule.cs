namespace Dataflow.MLlib.Optimization;

/// <summary>
/// The step size of an update as a function of the update's number, which the caller passes (the SGD iteration, a
/// parameter-server clock + 1, a per-key update count): the schedule holds no state, so shards, tasks and the driver
/// agree on the step for the same number.
/// </summary>
public interface IStepSchedule
{
    /// <summary>The step size of update <paramref name="t"/>, counting from 1.</summary>
    double StepSize(long t);
}
