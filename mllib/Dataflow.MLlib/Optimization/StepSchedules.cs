namespace Dataflow.MLlib.Optimization;

/// <summary>Argument checks shared by the step schedules.</summary>
internal static class StepSchedules
{
    public static double CheckStep(double step) => double.IsFinite(step) && step > 0
        ? step
        : throw new ArgumentOutOfRangeException(nameof(step), step, "The step size must be a finite number > 0.");

    public static void CheckUpdateNumber(long t)
    {
        if (t < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t,
                "Update numbers count from 1 (a parameter-server clock c is update c + 1).");
        }
    }
}
