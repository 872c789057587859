namespace Dataflow;

/// <summary>
/// A record of the input is malformed. The message has the form <c>file:line: what is wrong</c>, so a program can
/// print it as it is and exit with code 2.
/// </summary>
public sealed class BadInputException : Exception
{
    /// <summary>Creates the exception for line <paramref name="line"/> (1-based) of <paramref name="source"/>.</summary>
    public BadInputException(string source, long line, string problem)
        : base($"{source}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {problem}")
    {
        Source = source;
        Line = line;
    }

    /// <summary>Creates the exception (required by convention).</summary>
    public BadInputException() : base("Bad input.") => Source = "";

    /// <summary>Creates the exception (required by convention).</summary>
    public BadInputException(string message) : base(message) => Source = "";

    /// <summary>Creates the exception (required by convention).</summary>
    public BadInputException(string message, Exception innerException) : base(message, innerException) => Source = "";

    /// <summary>The file (or other source) holding the bad record.</summary>
    public new string Source { get; }

    /// <summary>The 1-based line of the bad record; 0 when unknown.</summary>
    public long Line { get; }
}
