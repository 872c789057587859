using System.Globalization;
using System.Reflection;
using System.Text;

namespace Dataflow.Configuration;

/// <summary>
/// Every configuration key with its type, default and description: the engine's sections of
/// <see cref="DataflowOptions"/>, found once by reflection, plus the sections libraries register with
/// <see cref="RegisterSection{TOptions}"/>. Feeds <c>--help</c>, the README table, unknown-key checks and validation.
/// </summary>
/// <example><code>OptionsRegistry.Find("dataflow:scheduler:maxtaskfailures")!.DefaultText == "4"</code></example>
public static partial class OptionsRegistry
{
    private static readonly Lock s_lock = new();

    // Copy-on-write: readers take the current snapshot without locking; registrations replace it under s_lock.
    private static volatile Snapshot s_snapshot = BuildEngineSnapshot();

    /// <summary>All keys: the engine's in the declaration order of <see cref="DataflowOptions"/> and its sections,
    /// then each registered section's in registration order.</summary>
    public static IReadOnlyList<OptionInfo> All => s_snapshot.Options;

    /// <summary>The option with this key (case-insensitive), or null.</summary>
    /// <param name="key">A full key such as <c>Dataflow:Shuffle:Compress</c>.</param>
    public static OptionInfo? Find(string key) => s_snapshot.ByKey.GetValueOrDefault(key);

    /// <summary>The known key nearest to a misspelt one, or null when none is close.</summary>
    /// <param name="key">The unknown key.</param>
    public static string? Suggest(string key)
    {
        const string prefix = DataflowOptions.SectionName + ":";
        // Compare without the shared prefix so it does not make every key look close.
        var tail = key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? key[prefix.Length..] : key;
        var match = NearestMatch.Find(tail, All.Select(o => o.Key[prefix.Length..]));
        return match is null ? null : prefix + match;
    }

    /// <summary>A markdown table of every key (Key, Type, Default, Description), as in the README.</summary>
    public static string FormatTable()
    {
        var text = new StringBuilder("| Key | Type | Default | Description |\n|---|---|---|---|\n");
        foreach (var o in All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{o.Key}` | {Escape(o.TypeName)} | `{o.DefaultText}` | {Escape(o.Description)} |\n");
        }

        return text.ToString();
    }

    /// <summary>Plain-text list of every key for <c>--help</c>, one per line, indented by two spaces.</summary>
    public static string FormatHelp()
    {
        var all = All;
        var width = all.Max(o => o.Key.Length + o.TypeName.Length + 1);
        var text = new StringBuilder();
        foreach (var o in all)
        {
            text.Append("  ").Append($"{o.Key} {o.TypeName}".PadRight(width + 2))
                .Append(o.Description).Append(" (default: ").Append(o.DefaultText).Append(")\n");
        }

        return text.ToString();
    }

    /// <summary>The keys of one section (<c>Scheduler</c>, or a registered one), for unknown-key hints.</summary>
    internal static IReadOnlyList<OptionInfo> KeysOf(string section) =>
        All.Where(o => string.Equals(o.Section, section, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Runs every section's validator; failures name the full key.</summary>
    internal static List<string> Validate(DataflowOptions options)
    {
        var failures = new List<string>();
        foreach (var section in s_snapshot.Sections)
        {
            var value = section.Get(options);
            if (value is null)
            {
                failures.Add($"{section.Prefix} must not be null");
                continue;
            }

            section.Validator?.Validate(section.Prefix, value, failures);
        }

        return failures;
    }

    private static Snapshot BuildEngineSnapshot()
    {
        var defaults = new DataflowOptions();
        var nullability = new NullabilityInfoContext();
        var options = new List<OptionInfo>();
        var sections = new List<SectionEntry>
        {
            new(DataflowOptions.SectionName, null, o => o, CreateValidator(typeof(DataflowOptions))),
        };
        foreach (var property in PublicProperties(typeof(DataflowOptions)))
        {
            if (property.PropertyType.GetCustomAttribute<OptionsSectionAttribute>() is null)
            {
                options.Add(Describe(null, property, defaults, nullability));
                continue;
            }

            var section = new SectionEntry($"{DataflowOptions.SectionName}:{property.Name}", property.PropertyType,
                property.GetValue, CreateValidator(property.PropertyType));
            sections.Add(section);
            var sectionDefaults = property.GetValue(defaults)!;
            options.AddRange(PublicProperties(property.PropertyType)
                .Select(p => Describe(new OptionSection(property.Name, property.GetValue), p, sectionDefaults, nullability)));
        }

        return new Snapshot(options, sections);
    }

    private static OptionInfo Describe(OptionSection? section, PropertyInfo property, object defaults,
        NullabilityInfoContext nullability)
    {
        var where = $"{property.DeclaringType!.Name}.{property.Name}";
        var attribute = property.GetCustomAttribute<OptionDescriptionAttribute>()
            ?? throw new InvalidOperationException($"{where} needs an [OptionDescription] to appear in the registry.");
        if (!OptionValueParser.IsSupported(property.PropertyType))
        {
            throw new InvalidOperationException(
                $"{where} has type {property.PropertyType.Name}, which configuration cannot parse; add it to OptionValueParser.");
        }

        var isNullable = nullability.Create(property).WriteState == NullabilityState.Nullable;
        var defaultText = attribute.DefaultText ?? OptionValueParser.Format(property.GetValue(defaults));
        return new OptionInfo(section, property, isNullable, defaultText, attribute.Description);
    }

    private static IEnumerable<PropertyInfo> PublicProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken);

    private static IOptionsValidator CreateValidator(Type optionsType) =>
        (IOptionsValidator)Activator.CreateInstance(
            optionsType.GetCustomAttribute<OptionsSectionAttribute>()!.ValidatorType)!;

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>One validated object: the root options, an engine section or a registered one.</summary>
    /// <param name="Prefix">Its key prefix, e.g. <c>Dataflow:Scheduler</c>.</param>
    /// <param name="Type">The section's options type; null for the root.</param>
    /// <param name="Get">Reads the section object out of the options.</param>
    /// <param name="Validator">Its validator; null when it has none.</param>
    /// <param name="Registered">Whether a library registered it (else it is the engine's).</param>
    private sealed record SectionEntry(string Prefix, Type? Type, Func<DataflowOptions, object?> Get, IOptionsValidator? Validator,
        bool Registered = false);

    private sealed class Snapshot
    {
        public Snapshot(List<OptionInfo> options, List<SectionEntry> sections)
        {
            Options = options;
            Sections = sections;
            ByKey = new Dictionary<string, OptionInfo>(StringComparer.OrdinalIgnoreCase);
            foreach (var option in options)
            {
                ByKey.Add(option.Key, option);
            }
        }

        public IReadOnlyList<OptionInfo> Options { get; }

        public IReadOnlyList<SectionEntry> Sections { get; }

        public Dictionary<string, OptionInfo> ByKey { get; }
    }
}
