namespace Dataflow.MLlib.Training;

/// <summary>
/// Where one training iteration's time went, on the driver's clock, in five consecutive phases that together make its
/// wall time, plus what the tasks measured and the bytes that moved. An iteration may run several passes over the
/// data (an L-BFGS line search evaluates more than once); their phases are summed.
/// </summary>
/// <param name="Iteration">The optimizer's iteration number (L-BFGS: 0 is the starting point).</param>
/// <param name="Objective">The objective (or k-means cost) the iteration ended with.</param>
/// <param name="Passes">Engine jobs over the training data in this iteration (one per evaluation).</param>
/// <param name="WallSeconds">The iteration's wall time, from the end of the previous iteration (or the start of training) to its end.</param>
/// <param name="BroadcastSeconds">Creating and registering the model's broadcast, and destroying it once the pass ended.</param>
/// <param name="SchedulingSeconds">From job submission to the first task's start.</param>
/// <param name="ComputeSeconds">From the first task's start to the end of the last task of the stage that ran the kernels.</param>
/// <param name="AggregateSeconds">From there until the driver holds the summed partial results (tree levels included).</param>
/// <param name="DriverSeconds">Everything else: the optimizer's step on the driver between passes.</param>
/// <param name="MaxKernelSeconds">The longest time one task spent in the kernels, per pass, summed over the iteration's passes.</param>
/// <param name="MaxBroadcastFetchSeconds">The longest time one task waited to read the model's broadcast, per pass, summed over the iteration's passes.</param>
/// <param name="BroadcastBytes">The serialised size of the model broadcast, summed over the passes.</param>
/// <param name="PartialResultBytes">The serialised size of the partial results aggregated (one per partition), summed over the passes.</param>
/// <param name="DeviceTransfers">
/// Host↔device traffic of the ILGPU kernels in the iteration's passes, summed over partitions and passes: blocks
/// uploaded (0 from the second pass on when every block stays resident), bytes up (blocks, the model) and bytes
/// down (partial results). Zero with the managed kernels.
/// </param>
/// <remarks>
/// Bytes are counted from the shapes as MessagePack writes them (9 bytes per float64 plus headers), so every master
/// reports the same numbers for the same training.
/// </remarks>
public sealed record IterationTimings(
    int Iteration,
    double Objective,
    int Passes,
    double WallSeconds,
    double BroadcastSeconds,
    double SchedulingSeconds,
    double ComputeSeconds,
    double AggregateSeconds,
    double DriverSeconds,
    double MaxKernelSeconds,
    double MaxBroadcastFetchSeconds,
    long BroadcastBytes,
    long PartialResultBytes,
    Kernels.TransferCounts DeviceTransfers = default)
{
    /// <summary>The five phases summed; equal to <see cref="WallSeconds"/> up to the resolution of the clocks.</summary>
    public double PhaseSeconds => BroadcastSeconds + SchedulingSeconds + ComputeSeconds + AggregateSeconds + DriverSeconds;
}
