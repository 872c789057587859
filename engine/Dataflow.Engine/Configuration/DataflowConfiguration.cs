using System.Collections;

namespace Dataflow.Configuration;

/// <summary>
/// Builds <see cref="DataflowOptions"/> from its layers. Precedence, highest first: code &gt; <c>--conf</c> &gt;
/// environment (<c>DATAFLOW__SECTION__KEY</c>) &gt; JSON file &gt; default. Keys are
/// <c>Dataflow:&lt;Section&gt;:&lt;Key&gt;</c>, case-insensitive, for the engine's sections and those registered with
/// <see cref="OptionsRegistry.RegisterSection{TOptions}"/>; any unknown key under <c>Dataflow</c> is an error.
/// </summary>
/// <example><code>
/// var options = DataflowConfiguration.Load(
///     [new("Dataflow:Scheduler:MaxTaskFailures", "8")], jsonFile: "appsettings.json",
///     code: o => o.AppName = "WordCount");
/// </code></example>
public static class DataflowConfiguration
{
    /// <summary>Loads, binds and validates the options.</summary>
    /// <param name="conf"><c>--conf</c> pairs; every key must be a known <c>Dataflow:</c> key.</param>
    /// <param name="jsonFile">An appsettings-style JSON file whose <c>Dataflow</c> object is read; null for none.</param>
    /// <param name="environment">Environment variables; null reads the process environment. Only names starting
    /// <c>DATAFLOW__</c> (double underscore stands for ':') and <c>DATAFLOW_MASTER</c> are used.</param>
    /// <param name="code">Runs last, so what it sets wins over every other layer.</param>
    /// <returns>Validated options.</returns>
    /// <exception cref="DataflowConfigurationException">An unknown key (named with its source and the nearest known
    /// key), a value that does not parse (named with key and source), an unreadable JSON file, or a failed
    /// validation.</exception>
    public static DataflowOptions Load(IEnumerable<KeyValuePair<string, string?>> conf, string? jsonFile = null,
        IDictionary? environment = null, Action<DataflowOptions>? code = null)
    {
        ArgumentNullException.ThrowIfNull(conf);
        var chosen = new Dictionary<OptionInfo, ConfigEntry>();
        // Lowest layer first, so each later layer overwrites what it sets.
        if (jsonFile is not null)
        {
            Overlay(chosen, ConfigurationSources.ReadJson(jsonFile));
        }

        Overlay(chosen, ConfigurationSources.ReadEnvironment(environment ?? Environment.GetEnvironmentVariables()));
        Overlay(chosen, ConfigurationSources.ReadConf(conf));

        var options = new DataflowOptions();
        foreach (var (option, entry) in chosen)
        {
            option.SetValue(options, Convert(option, entry));
        }

        code?.Invoke(options);
        Validate(options);
        return options;
    }

    /// <summary>Checks options built or changed in code against the same rules <see cref="Load"/> applies.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="DataflowConfigurationException">Lists every failure, each naming its full key.</exception>
    public static void Validate(DataflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = OptionsRegistry.Validate(options);
        if (failures.Count > 0)
        {
            throw new DataflowConfigurationException(failures);
        }
    }

    /// <summary>Splits one <c>--conf</c> argument <c>KEY=VALUE</c> at the first '='.</summary>
    /// <param name="text">For example <c>Dataflow:Scheduler:MaxTaskFailures=8</c>.</param>
    /// <exception cref="DataflowConfigurationException">No '=' or an empty key.</exception>
    public static KeyValuePair<string, string?> ParseConfPair(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || string.IsNullOrWhiteSpace(text[..equals]))
        {
            throw new DataflowConfigurationException(
                $"--conf '{text}' is not KEY=VALUE; write e.g. --conf Dataflow:Scheduler:MaxTaskFailures=8");
        }

        return new(text[..equals].Trim(), text[(equals + 1)..]);
    }

    private static void Overlay(Dictionary<OptionInfo, ConfigEntry> chosen, IEnumerable<ConfigEntry> entries)
    {
        foreach (var entry in entries)
        {
            chosen[OptionsRegistry.Find(entry.Key) ?? throw UnknownKey(entry)] = entry;
        }
    }

    private static DataflowConfigurationException UnknownKey(ConfigEntry entry)
    {
        var suggestion = OptionsRegistry.Suggest(entry.Key);
        var hint = suggestion is not null
            ? $"did you mean {suggestion}?"
            : SectionKeys(entry.Key) is { } keys
                ? $"the section's keys are {keys}"
                : "run with --help to list the keys";
        var what = entry.Key.StartsWith(DataflowOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase)
            ? $"unknown configuration key '{entry.Key}' from {entry.Source}"
            : $"'{entry.Key}' from {entry.Source} is not a configuration key (keys look like Dataflow:Section:Key)";
        return new DataflowConfigurationException($"{what}; {hint}");
    }

    /// <summary>The keys of the known section an unknown key names (<c>Dataflow:ML:Foo</c> → ML's keys), or null.</summary>
    private static string? SectionKeys(string key)
    {
        var parts = key.Split(':');
        if (parts.Length != 3 || !string.Equals(parts[0], DataflowOptions.SectionName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var keys = OptionsRegistry.KeysOf(parts[1]);
        return keys.Count == 0 ? null : string.Join(", ", keys.Select(k => k.Key));
    }

    private static object? Convert(OptionInfo option, ConfigEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Value) && option.IsNullable)
        {
            return null;
        }

        if (OptionValueParser.TryParse(option.Type, entry.Value ?? "", out var value, out var expected))
        {
            return value;
        }

        throw new DataflowConfigurationException(
            $"{option.Key}: '{entry.Value}' from {entry.Source} is not a valid {option.TypeName}; expected {expected}");
    }
}
