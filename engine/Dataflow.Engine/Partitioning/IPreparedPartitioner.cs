namespace Dataflow.Partitioning;

/// <summary>
/// A partitioner that must look at the data before it can assign keys (a range partitioner samples its input).
/// The scheduler prepares it, with a job of its own, before running the stages that use it, so that building the
/// transformation stays lazy.
/// </summary>
internal interface IPreparedPartitioner
{
    bool IsPrepared { get; }

    Task PrepareAsync(CancellationToken cancellationToken);
}
