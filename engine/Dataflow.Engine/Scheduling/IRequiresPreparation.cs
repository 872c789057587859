namespace Dataflow.Scheduling;

/// <summary>
/// Something in a lineage that must look at data before the job that uses it can run: a range partitioner samples
/// its input; <c>ZipWithIndex</c> counts the records of each partition. The DAG scheduler finds these (on RDDs and
/// on shuffle partitioners) and prepares them, upstream first, with jobs of their own just before the job that
/// needs them, so that building the transformation stays lazy. Preparing twice must be harmless.
/// </summary>
internal interface IRequiresPreparation
{
    bool IsPrepared { get; }

    Task PrepareAsync(CancellationToken cancellationToken);
}
