namespace Dataflow.MLlib.Training;

/// <summary>
/// One pass over the training data (one engine job) as the driver saw it: its own timestamps, plus what the tasks
/// reported. The event timestamps (job submitted, first task started, kernel stage completed) are filled in later
/// from the listener, matched by <see cref="JobId"/> and <see cref="StageId"/>.
/// </summary>
/// <param name="Started">Before the broadcast was created.</param>
/// <param name="Broadcasted">The broadcast was registered; the job is being submitted.</param>
/// <param name="Aggregated">The driver holds the sum.</param>
/// <param name="Ended">The broadcast was destroyed.</param>
/// <param name="JobId">The job, as the tasks reported it (−1 when no task ran).</param>
/// <param name="StageId">The stage that ran the kernels (−1 when no task ran).</param>
/// <param name="MaxKernelSeconds">The longest kernel time of one task.</param>
/// <param name="MaxFetchSeconds">The longest broadcast read of one task.</param>
/// <param name="BroadcastBytes">The serialised size of the broadcast.</param>
/// <param name="PartialResultBytes">The serialised size of the partial results.</param>
/// <param name="DeviceTransfers">Host↔device traffic of the tasks' kernel calls, summed over the partitions.</param>
internal readonly record struct PassTiming(
    DateTimeOffset Started,
    DateTimeOffset Broadcasted,
    DateTimeOffset Aggregated,
    DateTimeOffset Ended,
    int JobId,
    int StageId,
    double MaxKernelSeconds,
    double MaxFetchSeconds,
    long BroadcastBytes,
    long PartialResultBytes,
    Kernels.TransferCounts DeviceTransfers);
