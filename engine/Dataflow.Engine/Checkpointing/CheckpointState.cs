using Dataflow.Partitioning;

namespace Dataflow.Checkpointing;

/// <summary>
/// An RDD's checkpoint: what was requested, or where its partitions now are. Immutable; an RDD swaps one for the next.
/// Travels with the RDD to workers (field by field), which read the files or blocks it names.
/// </summary>
/// <remarks>Spark: RDDCheckpointData</remarks>
internal sealed class CheckpointState
{
    private CheckpointState(CheckpointKind kind, string? directory, Partitioner? partitioner, bool enginePersisted)
    {
        Kind = kind;
        Directory = directory;
        Partitioner = partitioner;
        EnginePersisted = enginePersisted;
    }

    public CheckpointKind Kind { get; }

    /// <summary>The RDD's checkpoint directory (reliable checkpoints), holding <c>part-NNNNN</c> and <c>_SUCCESS</c>.</summary>
    public string? Directory { get; }

    /// <summary>The partitioner the RDD had when its checkpoint was taken.</summary>
    public Partitioner? Partitioner { get; }

    /// <summary>Whether the engine persisted the RDD for the write (so it drops those blocks once the files exist).</summary>
    public bool EnginePersisted { get; }

    /// <summary>Whether the checkpoint has been taken and the lineage cut.</summary>
    public bool IsMaterialized => Kind is CheckpointKind.Reliable or CheckpointKind.Local;

    public static CheckpointState ReliablePending(bool enginePersisted) => new(CheckpointKind.ReliablePending, null, null, enginePersisted);

    public static CheckpointState LocalPending() => new(CheckpointKind.LocalPending, null, null, false);

    public static CheckpointState Reliable(string directory, Partitioner? partitioner) => new(CheckpointKind.Reliable, directory, partitioner, false);

    public static CheckpointState Local(Partitioner? partitioner) => new(CheckpointKind.Local, null, partitioner, false);
}
