namespace Dataflow.Scheduling;

/// <summary>
/// A task that no attempt can run (its stage could not be serialised for the executors): its task set is aborted
/// at once with <see cref="Exception.InnerException"/>, the cause, as the job's error.
/// </summary>
internal sealed class UnrunnableTaskException(Exception cause) : Exception(cause.Message, cause);
