namespace Dataflow.Configuration;

/// <summary>
/// Configuration is unusable: an unknown key, a value that does not parse, or a value that fails validation.
/// The message is one line naming the full key (and, for unknown keys and bad values, the source).
/// </summary>
public sealed class DataflowConfigurationException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DataflowConfigurationException()
        : this("invalid Dataflow configuration")
    {
    }

    /// <summary>Creates the exception with one failure.</summary>
    /// <param name="message">One line naming the key and the fix.</param>
    public DataflowConfigurationException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates the exception with one failure and its cause.</summary>
    /// <param name="message">One line naming the key and the fix.</param>
    /// <param name="innerException">The parse or I/O error behind it.</param>
    public DataflowConfigurationException(string message, Exception? innerException)
        : base(message, innerException) => Failures = [message];

    /// <summary>Creates the exception listing every validation failure.</summary>
    /// <param name="failures">One message per broken rule.</param>
    public DataflowConfigurationException(IReadOnlyList<string> failures)
        : base(string.Join("; ", failures)) => Failures = failures;

    /// <summary>Each failure separately; the message joins them with <c>"; "</c>.</summary>
    public IReadOnlyList<string> Failures { get; }
}
