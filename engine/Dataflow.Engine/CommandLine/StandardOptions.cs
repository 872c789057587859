using System.Collections;
using Dataflow.Configuration;
using Microsoft.Extensions.Logging;

namespace Dataflow.CommandLine;

/// <summary>
/// The options every example, the worker and the <c>dataflow</c> CLI accept (see the conventions), and their
/// conversion into <see cref="DataflowConfiguration.Load"/> input. Created by
/// <see cref="ArgumentParser.AddStandardOptions"/>.
/// </summary>
public sealed class StandardOptions
{
    private readonly ArgumentParser _parser;
    private readonly List<(Option<string?> Option, string Key)> _keyOptions = [];

    internal StandardOptions(ArgumentParser parser)
    {
        _parser = parser;
        Master = parser.Add<string?>("master",
            "cluster: local, local[N], local[*] or orleans://host:port[,host:port...] (default: DATAFLOW_MASTER, else local[*])",
            valueName: "URL");
        ExecutorMemory = parser.Add<ByteSize?>("executor-memory",
            "memory per executor, e.g. 2g (sets Dataflow:Executor:Memory)");
        EventLog = parser.Add<string?>("event-log",
            "write the application's event log (<app-id>.jsonl) into this directory (sets Dataflow:EventLog:Directory)",
            valueName: "DIR");
        LogLevel = parser.Add<LogLevel?>("log-level",
            "least severe driver log level written to stderr: trace, debug, information, warning, error, critical or none (default warning; sets Dataflow:Log:Level)",
            valueName: "LEVEL");
        // Values may contain commas (orleans://a:1,b:2), so --conf splits itself: see ToConfPairs.
        Conf = parser.AddList<string>("conf", "set a configuration key (keys listed below)", "KEY=VALUE",
            splitCommas: false);
    }

    /// <summary><c>--master URL</c>; null when absent.</summary>
    public Option<string?> Master { get; }

    /// <summary><c>--executor-memory SIZE</c>; null when absent.</summary>
    public Option<ByteSize?> ExecutorMemory { get; }

    /// <summary><c>--event-log DIR</c>; null when absent. Becomes <c>Dataflow:EventLog:Directory</c>.</summary>
    public Option<string?> EventLog { get; }

    /// <summary><c>--log-level LEVEL</c>; null when absent. Becomes <c>Dataflow:Log:Level</c>.</summary>
    public Option<LogLevel?> LogLevel { get; }

    /// <summary><c>--conf KEY=VALUE</c>, repeatable; the raw texts.</summary>
    public Option<IReadOnlyList<string>> Conf { get; }

    /// <summary>
    /// Declares <c>--name VALUE</c> as a shorthand for <c>--conf KEY=VALUE</c>: when given, its value becomes
    /// <paramref name="key"/> (winning over <c>--conf</c>, like <c>--master</c>) and is validated with the key's
    /// section, so a bad value is a usage error naming the key.
    /// </summary>
    /// <example><code>
    /// var device = standard.AddKeyOption("device", "Dataflow:ML:Device", "where the ML kernels run", "auto|gpu|cpu");
    /// </code></example>
    /// <param name="name">The option's name, without the dashes.</param>
    /// <param name="key">The configuration key it sets (<c>Dataflow:Section:Key</c>).</param>
    /// <param name="description">Help text; the key is appended.</param>
    /// <param name="valueName">Placeholder in help.</param>
    /// <returns>The option's handle (null when absent).</returns>
    public Option<string?> AddKeyOption(string name, string key, string description, string? valueName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var option = _parser.Add<string?>(name, $"{description} (sets {key})", valueName: valueName);
        _keyOptions.Add((option, key));
        return option;
    }

    /// <summary>
    /// The <c>--conf</c> pairs for <see cref="DataflowConfiguration.Load"/>: each <c>--conf</c> (a comma starts a new
    /// pair only when the next piece has its own '=', so <c>--conf a=1,b=2</c> is two pairs and
    /// <c>--conf Dataflow:Master=orleans://h1:1,h2:2</c> one), then <c>--master</c> as <c>Dataflow:Master</c>,
    /// <c>--executor-memory</c> as <c>Dataflow:Executor:Memory</c>, <c>--event-log</c> as
    /// <c>Dataflow:EventLog:Directory</c>, <c>--log-level</c> as <c>Dataflow:Log:Level</c> and each
    /// <see cref="AddKeyOption"/> as its key, which therefore win over <c>--conf</c>.
    /// </summary>
    /// <param name="result">A result of the parser these options were added to.</param>
    /// <returns>Pairs in precedence order, later ones winning.</returns>
    /// <exception cref="UsageException">A <c>--conf</c> without '='.</exception>
    public IReadOnlyList<KeyValuePair<string, string?>> ToConfPairs(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var conf in result.Get(Conf))
        {
            foreach (var text in SplitPairs(conf))
            {
                try
                {
                    pairs.Add(DataflowConfiguration.ParseConfPair(text));
                }
                catch (DataflowConfigurationException e)
                {
                    throw new UsageException(e.Message, e);
                }
            }
        }

        foreach (var (option, key) in _keyOptions)
        {
            if (result.Get(option) is { } value)
            {
                pairs.Add(new(key, value));
            }
        }

        if (result.Get(Master) is { } master)
        {
            pairs.Add(new($"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Master)}", master));
        }

        if (result.Get(ExecutorMemory) is { } memory)
        {
            pairs.Add(new($"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Executor)}:{nameof(ExecutorOptions.Memory)}",
                memory.ToString()));
        }

        if (result.Get(EventLog) is { } eventLog)
        {
            pairs.Add(new($"{DataflowOptions.SectionName}:{nameof(DataflowOptions.EventLog)}:{nameof(EventLogOptions.Directory)}", eventLog));
        }

        if (result.Get(LogLevel) is { } level)
        {
            pairs.Add(new($"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Log)}:{nameof(LogOptions.Level)}",
                OptionValueParser.Format(level)));
        }

        return pairs;
    }

    /// <summary>
    /// <see cref="DataflowConfiguration.Load"/> with <see cref="ToConfPairs"/>; configuration errors become
    /// <see cref="UsageException"/> (exit code 2) with the same one-line message.
    /// </summary>
    /// <param name="result">A result of the parser these options were added to.</param>
    /// <param name="jsonFile">Optional appsettings-style JSON file.</param>
    /// <param name="environment">Environment variables; null reads the process environment.</param>
    /// <param name="code">Settings from code, which win over everything.</param>
    /// <returns>Validated options.</returns>
    /// <exception cref="UsageException">A bad <c>--conf</c>, unknown key, unparsable value or failed validation.</exception>
    public DataflowOptions LoadOptions(ParseResult result, string? jsonFile = null, IDictionary? environment = null,
        Action<DataflowOptions>? code = null)
    {
        var pairs = ToConfPairs(result);
        try
        {
            return DataflowConfiguration.Load(pairs, jsonFile, environment, code);
        }
        catch (DataflowConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    /// <summary>
    /// Splits one <c>--conf</c> value into pairs: a comma starts a new pair only when the next piece has its own '=', so
    /// <c>a=1,b=2</c> is two pairs and <c>k=x,y</c> one. Shared with the worker's command line.
    /// </summary>
    internal static List<string> SplitPairs(string text)
    {
        var pairs = new List<string>();
        foreach (var piece in text.Split(','))
        {
            if (pairs.Count > 0 && !piece.Contains('=', StringComparison.Ordinal))
            {
                pairs[^1] += "," + piece;
            }
            else
            {
                pairs.Add(piece);
            }
        }

        return pairs;
    }
}
