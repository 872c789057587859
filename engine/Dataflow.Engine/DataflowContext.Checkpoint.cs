using Dataflow.Checkpointing;

namespace Dataflow;

public sealed partial class DataflowContext
{
    /// <summary>The directory reliable checkpoints are written to, or <c>null</c> when none is set.</summary>
    public string? CheckpointDirectory => Checkpoints.Directory;

    internal Checkpoints Checkpoints { get; private set; } = null!;

    /// <summary>
    /// Sets the directory <see cref="Rdd.Checkpoint{T}"/> writes to (created when missing); each context writes under
    /// a folder of its own there, deleted when the context ends unless <c>Dataflow:Checkpoint:Keep</c> is set. In
    /// cluster mode it must be storage that the driver and every worker see (a shared filesystem).
    /// </summary>
    /// <remarks>Spark: setCheckpointDir</remarks>
    public void SetCheckpointDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Checkpoints.SetDirectory(directory);
    }
}
