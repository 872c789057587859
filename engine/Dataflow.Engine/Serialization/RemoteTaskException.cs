namespace Dataflow.Serialization;

/// <summary>A task failed on a worker with an exception the driver cannot re-create (its type is not loaded here).</summary>
public sealed class RemoteTaskException : Exception
{
    /// <summary>Creates the exception for a worker's <paramref name="remoteType"/>.</summary>
    public RemoteTaskException(string remoteType, string message, Exception? inner)
        : base($"{remoteType}: {message}", inner) => RemoteType = remoteType;

    /// <summary>Creates an exception with no remote type.</summary>
    public RemoteTaskException() => RemoteType = "";

    /// <summary>Creates an exception with a message.</summary>
    public RemoteTaskException(string message) : base(message) => RemoteType = "";

    /// <summary>Creates an exception with a message and cause.</summary>
    public RemoteTaskException(string message, Exception innerException) : base(message, innerException) => RemoteType = "";

    /// <summary>The full name of the exception type thrown on the worker.</summary>
    public string RemoteType { get; }
}
