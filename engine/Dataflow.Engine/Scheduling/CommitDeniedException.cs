namespace Dataflow.Scheduling;

/// <summary>
/// A task attempt finished writing its output but was not authorised to commit it, because another attempt of the
/// same partition was (<see cref="OutputCommitCoordinator"/>). Not counted as a failure of the task.
/// </summary>
/// <remarks>Spark: CommitDeniedException</remarks>
public sealed class CommitDeniedException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public CommitDeniedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public CommitDeniedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CommitDeniedException() : base("Another attempt of the partition was authorised to commit.")
    {
    }
}
