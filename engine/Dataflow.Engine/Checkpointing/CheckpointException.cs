namespace Dataflow.Checkpointing;

/// <summary>
/// A checkpoint cannot be used: its file is missing or corrupt, the directory is not shared storage, or a local
/// checkpoint's partition was lost with its executor. The message names the RDD, the file or partition, and the fix.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CheckpointException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CheckpointException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
