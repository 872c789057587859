namespace Dataflow.IO;

/// <summary>
/// Thrown when a job cannot write to the output path it was given: a parent of the path is a file, or the directory
/// cannot be created there (no permission, a read-only or virtual filesystem such as <c>/proc</c>). The message names
/// the path the user gave and what is wrong with it. Command-line programs report it as a usage error (exit code 2).
/// </summary>
public sealed class OutputPathException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public OutputPathException()
        : base("The output path cannot be written.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public OutputPathException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public OutputPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
