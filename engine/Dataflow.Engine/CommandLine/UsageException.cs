namespace Dataflow.CommandLine;

/// <summary>
/// The command line is wrong: an unknown option, a missing or malformed value, a missing required option, an
/// undeclared positional argument, or a bad <c>--conf</c>. The message is one line naming the option and the fix;
/// programs print it to standard error and exit with <see cref="ExitCode"/>.
/// </summary>
public sealed class UsageException : Exception
{
    /// <summary>The process exit code for usage errors (see the conventions: 2).</summary>
    public const int ExitCode = 2;

    /// <summary>Creates the exception with a generic message.</summary>
    public UsageException()
        : base("invalid command line; see --help")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the option and the fix.</param>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">One line naming the option and the fix.</param>
    /// <param name="innerException">The parse or configuration error behind it.</param>
    public UsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
