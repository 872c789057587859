namespace Dataflow.Checkpointing;

/// <summary>Where a checkpoint keeps an RDD's partitions, and whether it has been written yet.</summary>
internal enum CheckpointKind
{
    /// <summary>Reliable checkpoint requested; written after the next action that computes the RDD.</summary>
    ReliablePending,

    /// <summary>Local checkpoint requested; taken after the next action that computes the RDD.</summary>
    LocalPending,

    /// <summary>Partitions are files in the checkpoint directory; lineage cut.</summary>
    Reliable,

    /// <summary>Partitions are blocks in the executors' block managers (memory and disk); lineage cut.</summary>
    Local,
}
