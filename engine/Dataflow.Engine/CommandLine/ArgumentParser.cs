using System.Text.RegularExpressions;
using Dataflow.Configuration;

namespace Dataflow.CommandLine;

/// <summary>
/// A small, typed GNU-style command-line parser: <c>--name value</c> and <c>--name=value</c>, flags without a
/// value, repeatable options (given several times or comma-separated), invariant numbers with exponent forms
/// (<c>1e7</c>), sizes as <see cref="ByteSize"/> (<c>512m</c>), and <c>--help</c>. Every mistake is a
/// <see cref="UsageException"/> whose one-line message names the option and the fix.
/// </summary>
/// <example><code>
/// var parser = new ArgumentParser("WordCount", "Counts the words in text files.");
/// var input = parser.Add&lt;string&gt;("input", "file, directory or glob", required: true);
/// var top = parser.Add("top", 20, "how many of the most frequent words to print");
/// var overwrite = parser.AddFlag("overwrite", "replace an existing output directory");
/// var standard = parser.AddStandardOptions();
/// var result = parser.Parse(args);
/// if (result.HelpRequested) { Console.Write(result.HelpText); return 0; }
/// var options = standard.LoadOptions(result);
/// int n = result.Get(top);
/// </code></example>
public sealed partial class ArgumentParser
{
    private readonly List<OptionSpec> _specs = [];

    /// <summary>Creates a parser with no options except <c>--help</c>.</summary>
    /// <param name="programName">Shown in the usage line.</param>
    /// <param name="description">One or two sentences shown under the usage line.</param>
    public ArgumentParser(string programName, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(programName);
        ProgramName = programName;
        Description = description ?? "";
    }

    /// <summary>Shown in the usage line.</summary>
    public string ProgramName { get; }

    /// <summary>Shown under the usage line.</summary>
    public string Description { get; }

    /// <summary>Whether help ends with every configuration key of <see cref="OptionsRegistry"/>; set by
    /// <see cref="AddStandardOptions"/>.</summary>
    public bool IncludeConfigurationKeys { get; set; }

    internal IReadOnlyList<OptionSpec> Specs => _specs;

    /// <summary>Declares an optional <c>--name value</c> with a default shown in help.</summary>
    /// <typeparam name="T">string, bool, int, long, double, <see cref="TimeSpan"/>, <see cref="ByteSize"/>, an enum, or a nullable of these.</typeparam>
    /// <param name="name">Lower-case, dash-separated, without the leading dashes.</param>
    /// <param name="defaultValue">The value when absent.</param>
    /// <param name="description">Help text.</param>
    /// <param name="valueName">Placeholder in help, e.g. <c>DIR</c>; derived from the type when null.</param>
    /// <returns>The handle for <see cref="ParseResult.Get{T}"/>.</returns>
    public Option<T> Add<T>(string name, T defaultValue, string description, string? valueName = null) =>
        Declare<T>(new OptionSpec(name, description, OptionKind.Single, typeof(T))
        {
            DefaultValue = defaultValue,
            ShowDefault = defaultValue is not null,
            ValueName = valueName,
        });

    /// <summary>Declares <c>--name value</c> without a default: absent means <c>default(T)</c>, or an error when required.</summary>
    /// <typeparam name="T">As for <see cref="Add{T}(string, T, string, string?)"/>; use <c>string?</c> or <c>int?</c> to tell absent from given.</typeparam>
    /// <param name="name">Lower-case, dash-separated, without the leading dashes.</param>
    /// <param name="description">Help text.</param>
    /// <param name="required">Whether parsing fails when the option is absent.</param>
    /// <param name="valueName">Placeholder in help; derived from the type when null.</param>
    /// <returns>The handle for <see cref="ParseResult.Get{T}"/>.</returns>
    public Option<T> Add<T>(string name, string description, bool required = false, string? valueName = null) =>
        Declare<T>(new OptionSpec(name, description, OptionKind.Single, typeof(T))
        {
            IsRequired = required,
            DefaultValue = default(T),
            ValueName = valueName,
        });

    /// <summary>Declares a repeatable option: <c>--name a --name b</c> or <c>--name a,b</c>. Absent means an empty list.</summary>
    /// <typeparam name="T">The element type, as for <see cref="Add{T}(string, T, string, string?)"/>.</typeparam>
    /// <param name="name">Lower-case, dash-separated, without the leading dashes.</param>
    /// <param name="description">Help text.</param>
    /// <param name="valueName">Placeholder in help; derived from the type when null.</param>
    /// <param name="splitCommas">Whether one occurrence may hold several comma-separated items.</param>
    /// <returns>The handle for <see cref="ParseResult.Get{T}"/>.</returns>
    public Option<IReadOnlyList<T>> AddList<T>(string name, string description, string? valueName = null,
        bool splitCommas = true) =>
        Declare<IReadOnlyList<T>>(new OptionSpec(name, description, OptionKind.List, typeof(T))
        {
            DefaultValue = Array.Empty<T>(),
            SplitCommas = splitCommas,
            MakeList = items => items.Cast<T>().ToArray(),
            ValueName = valueName,
        });

    /// <summary>Declares a flag: <c>--name</c> means true (also <c>--name=true|false</c>); absent means false.</summary>
    /// <param name="name">Lower-case, dash-separated, without the leading dashes.</param>
    /// <param name="description">Help text.</param>
    /// <returns>The handle for <see cref="ParseResult.Get{T}"/>.</returns>
    public Option<bool> AddFlag(string name, string description) =>
        Declare<bool>(new OptionSpec(name, description, OptionKind.Flag, typeof(bool)) { DefaultValue = false });

    /// <summary>Declares a positional argument, matched in declaration order. Undeclared positionals are errors.</summary>
    /// <typeparam name="T">As for <see cref="Add{T}(string, T, string, string?)"/>.</typeparam>
    /// <param name="name">Lower-case name; shown upper-case in help (<c>INPUT</c>).</param>
    /// <param name="description">Help text.</param>
    /// <param name="required">Whether parsing fails when it is absent; optional ones must come last.</param>
    /// <returns>The handle for <see cref="ParseResult.Get{T}"/>.</returns>
    public Option<T> AddPositional<T>(string name, string description, bool required = true)
    {
        if (required && _specs.Any(s => s.Kind == OptionKind.Positional && !s.IsRequired))
        {
            throw new ArgumentException($"Positional {name.ToUpperInvariant()} is required but follows an optional one.",
                nameof(required));
        }

        return Declare<T>(new OptionSpec(name, description, OptionKind.Positional, typeof(T))
        {
            IsRequired = required,
            DefaultValue = default(T),
        });
    }

    /// <summary>
    /// Declares the rest of the line: once every declared positional has been matched, the arguments after it — options
    /// included, <c>--help</c> too — are not parsed but collected as they are, as <c>dataflow submit app.dll --input x</c>
    /// passes <c>--input x</c> on to the application. At most one, declared after the positionals.
    /// </summary>
    /// <param name="name">Lower-case name; shown upper-case in help (<c>APP-ARGS</c>).</param>
    /// <param name="description">Help text.</param>
    /// <returns>The handle for <see cref="ParseResult.Get{T}"/>; absent means an empty list.</returns>
    public Option<IReadOnlyList<string>> AddRemainder(string name, string description)
    {
        if (_specs.Exists(s => s.Kind == OptionKind.Remainder))
        {
            throw new ArgumentException("Only one remainder can be declared.", nameof(name));
        }

        return Declare<IReadOnlyList<string>>(new OptionSpec(name, description, OptionKind.Remainder, typeof(string))
        {
            DefaultValue = Array.Empty<string>(),
        });
    }

    /// <summary>
    /// Adds the options every example accepts: <c>--master</c>, <c>--executor-memory</c>, <c>--event-log</c> and
    /// repeatable <c>--conf KEY=VALUE</c>, and lists the configuration keys in help.
    /// </summary>
    /// <returns>Their handles, and the conversion to <see cref="DataflowConfiguration.Load"/> input.</returns>
    public StandardOptions AddStandardOptions()
    {
        IncludeConfigurationKeys = true;
        return new StandardOptions(this);
    }

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <returns>The values; <see cref="ParseResult.HelpRequested"/> when <c>--help</c> or <c>-h</c> appears.</returns>
    /// <exception cref="UsageException">Unknown option, missing value, bad value, missing required option, or
    /// unexpected positional argument.</exception>
    public ParseResult Parse(IReadOnlyList<string> args) => new CommandLineReader(this, args).Read();

    /// <summary>Help text listing every option with its default, and the configuration keys when
    /// <see cref="IncludeConfigurationKeys"/> is set.</summary>
    /// <returns>Text ending in a newline, for standard output.</returns>
    public string FormatHelp() => HelpFormatter.Format(this);

    internal OptionSpec? Find(string name) =>
        _specs.Find(s => s.Kind is not (OptionKind.Positional or OptionKind.Remainder) && s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private Option<T> Declare<T>(OptionSpec spec)
    {
        if (!NamePattern().IsMatch(spec.Name ?? ""))
        {
            throw new ArgumentException(
                $"Option name '{spec.Name}' must be lower-case words joined by '-', e.g. executor-memory.", nameof(spec));
        }

        if (spec.Name is "help" || _specs.Exists(s => s.Name == spec.Name))
        {
            throw new ArgumentException($"Option --{spec.Name} is declared twice.", nameof(spec));
        }

        if (!OptionValueParser.IsSupported(spec.ValueType))
        {
            throw new ArgumentException(
                $"Option --{spec.Name}: type {spec.ValueType.Name} is not supported; declare it as string and convert.",
                nameof(spec));
        }

        _specs.Add(spec);
        return new Option<T>(this, spec);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
