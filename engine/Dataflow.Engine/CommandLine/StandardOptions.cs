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
    internal StandardOptions(ArgumentParser parser)
    {
        Master = parser.Add<string?>("master",
            "cluster: local, local[N], local[*], orleans://host:port[,host:port...] or orleans+redis://host:port[/db] (default: DATAFLOW_MASTER, else local[*])",
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
    /// The <c>--conf</c> pairs for <see cref="DataflowConfiguration.Load"/>: each <c>--conf</c> (a comma starts a new
    /// pair only when the next piece has its own '=', so <c>--conf a=1,b=2</c> is two pairs and
    /// <c>--conf Dataflow:Master=orleans://h1:1,h2:2</c> one), then <c>--master</c> as <c>Dataflow:Master</c>,
    /// <c>--executor-memory</c> as <c>Dataflow:Executor:Memory</c>, <c>--event-log</c> as
    /// <c>Dataflow:EventLog:Directory</c> and <c>--log-level</c> as <c>Dataflow:Log:Level</c>, which therefore win over
    /// <c>--conf</c>.
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
