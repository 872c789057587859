namespace Dataflow.CommandLine;

/// <summary>The values of one parsed command line, read through the typed handles the parser returned.</summary>
public sealed class ParseResult
{
    private readonly ArgumentParser _parser;
    private readonly Dictionary<OptionSpec, object?> _values;

    internal ParseResult(ArgumentParser parser, Dictionary<OptionSpec, object?> values, bool helpRequested)
    {
        _parser = parser;
        _values = values;
        HelpRequested = helpRequested;
    }

    /// <summary>
    /// Whether <c>--help</c> or <c>-h</c> was given. Nothing else was checked then: print <see cref="HelpText"/> to
    /// standard output and exit 0.
    /// </summary>
    public bool HelpRequested { get; }

    /// <summary>The parser's help text.</summary>
    public string HelpText => _parser.FormatHelp();

    /// <summary>The option's value: as given, else its default (an empty list for repeatable options).</summary>
    /// <typeparam name="T">The option's type.</typeparam>
    /// <param name="option">A handle from the parser that produced this result.</param>
    /// <returns>The value.</returns>
    public T Get<T>(Option<T> option) => (T)(IsSpecified(option) ? _values[option.Spec] : option.Spec.DefaultValue)!;

    /// <summary>Whether the option appeared on the command line (as opposed to taking its default).</summary>
    /// <typeparam name="T">The option's type.</typeparam>
    /// <param name="option">A handle from the parser that produced this result.</param>
    /// <returns>True when given.</returns>
    public bool IsSpecified<T>(Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (option.Owner != _parser)
        {
            throw new ArgumentException($"{option} belongs to another ArgumentParser.", nameof(option));
        }

        return _values.ContainsKey(option.Spec);
    }
}
