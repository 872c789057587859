namespace Dataflow.MLlib.RddModel;

/// <summary>
/// Where one iteration of model-in-an-RDD training went: its jobs (gradient shuffle and update), the time from each
/// job's submission to its first task (scheduling), from there to the job's end (stages: compute, shuffle writes and
/// reads, waiting for the slowest task), and the rest on the driver; plus the shuffle bytes its stages wrote and read.
/// </summary>
/// <param name="Iteration">The iteration, from 1 (the updater's update number).</param>
/// <param name="Objective">The batch's mean loss plus the L2 penalty, at the weights before the update.</param>
/// <param name="Jobs">Engine jobs the iteration ran.</param>
/// <param name="WallSeconds">The iteration's wall time.</param>
/// <param name="SchedulingSeconds">Job submission to first task start, summed over the jobs.</param>
/// <param name="StageSeconds">First task start to job end, summed over the jobs: compute, shuffle and waiting.</param>
/// <param name="ComputeSeconds">The gradient job's wall time on the driver (the parameters' shuffle to the data, the
/// kernels, the gradients' shuffle back), submission to result.</param>
/// <param name="DriverSeconds">The wall time outside the jobs.</param>
/// <param name="ShuffleWriteBytes">Bytes written by the iteration's shuffle map stages (parameters out, gradients back).</param>
/// <param name="ShuffleReadBytes">Bytes read by the iteration's shuffle reads.</param>
/// <param name="Checkpointed">Whether the iteration checkpointed the parameter RDD.</param>
/// <param name="TaskSeconds">The executors' time in the iteration's tasks, summed over the tasks (task-seconds).</param>
/// <param name="ShuffleWriteSeconds">Of <paramref name="TaskSeconds"/>, the map tasks' time writing shuffle output
/// (<c>TaskMetrics.ShuffleWriteTime</c>, summed).</param>
/// <param name="ShuffleFetchWaitSeconds">Of <paramref name="TaskSeconds"/>, the time tasks were blocked getting
/// shuffle blocks (<c>TaskMetrics.ShuffleFetchWaitTime</c>, summed).</param>
/// <remarks>Times on the driver's clock (<paramref name="SchedulingSeconds"/>, <paramref name="StageSeconds"/>,
/// <paramref name="DriverSeconds"/>) add up to the wall time; the task times are summed over tasks that ran side by side.</remarks>
public sealed record RddIterationTimings(
    int Iteration,
    double Objective,
    int Jobs,
    double WallSeconds,
    double SchedulingSeconds,
    double StageSeconds,
    double ComputeSeconds,
    double DriverSeconds,
    long ShuffleWriteBytes,
    long ShuffleReadBytes,
    bool Checkpointed,
    double TaskSeconds = 0,
    double ShuffleWriteSeconds = 0,
    double ShuffleFetchWaitSeconds = 0)
{
    /// <summary>Task time that was neither writing nor fetching shuffle blocks: the kernels, the joins, the updater, (de)serialisation.</summary>
    public double TaskComputeSeconds => Math.Max(0, TaskSeconds - ShuffleWriteSeconds - ShuffleFetchWaitSeconds);
}
