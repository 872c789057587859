namespace Dataflow.Scheduling;

/// <summary>
/// A task attempt was killed by the scheduler: its job was cancelled or failed, or another attempt of the same
/// partition finished first (speculation). Reported as the error of the attempt's <see cref="TaskEndEvent"/>.
/// </summary>
/// <remarks>Spark: TaskKilled</remarks>
public sealed class TaskKilledException : OperationCanceledException
{
    /// <summary>Creates the exception with the reason.</summary>
    public TaskKilledException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and cause.</summary>
    public TaskKilledException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaskKilledException() : base("The task attempt was killed.")
    {
    }
}
