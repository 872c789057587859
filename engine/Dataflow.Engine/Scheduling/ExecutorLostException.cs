namespace Dataflow.Scheduling;

/// <summary>A task's worker left the cluster (or stopped answering) while the task ran; the scheduler runs it again elsewhere.</summary>
public sealed class ExecutorLostException : Exception
{
    /// <summary>Creates the exception for executor <paramref name="executorId"/>.</summary>
    public ExecutorLostException(string executorId, string message, Exception? inner)
        : base($"Executor {executorId} was lost: {message}", inner) => ExecutorId = executorId;

    /// <summary>Creates an exception without an executor.</summary>
    public ExecutorLostException() => ExecutorId = "";

    /// <summary>Creates an exception with a message.</summary>
    public ExecutorLostException(string message) : base(message) => ExecutorId = "";

    /// <summary>Creates an exception with a message and cause.</summary>
    public ExecutorLostException(string message, Exception innerException) : base(message, innerException) => ExecutorId = "";

    /// <summary>The executor (worker silo address).</summary>
    public string ExecutorId { get; }
}
