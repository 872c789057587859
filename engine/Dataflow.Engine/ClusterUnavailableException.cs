namespace Dataflow;

/// <summary>
/// A context with a cluster master could not start: the gateways did not answer, no worker with task slots joined, or
/// the workers run another build of Dataflow. The message says which and what to do.
/// </summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ClusterUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ClusterUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
