namespace Dataflow.IO;

/// <summary>
/// Thrown when a job would write into an output path that already holds data: a non-empty directory
/// (without overwrite) or a file. Command-line programs report it as a usage error (exit code 2).
/// </summary>
public sealed class OutputExistsException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public OutputExistsException()
        : base("The output path already exists.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public OutputExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public OutputExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="outputPath"/> with <paramref name="message"/>.</summary>
    public OutputExistsException(string message, string outputPath)
        : base(message) => OutputPath = outputPath;

    /// <summary>The full output path that already exists, when known.</summary>
    public string? OutputPath { get; }
}
