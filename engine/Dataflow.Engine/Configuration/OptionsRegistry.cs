using System.Globalization;
using System.Reflection;
using System.Text;

namespace Dataflow.Configuration;

/// <summary>
/// Every configuration key of <see cref="DataflowOptions"/> with its type, default and description, found once by
/// reflection over the options classes. Feeds <c>--help</c>, the README table, unknown-key checks and validation.
/// </summary>
/// <example><code>OptionsRegistry.Find("dataflow:scheduler:maxtaskfailures")!.DefaultText == "4"</code></example>
public static class OptionsRegistry
{
    private static readonly Dictionary<string, OptionInfo> s_byKey = new(StringComparer.OrdinalIgnoreCase);
    private static readonly List<(string Prefix, PropertyInfo? Property, IOptionsValidator Validator)> s_sections = [];

    static OptionsRegistry()
    {
        var defaults = new DataflowOptions();
        var nullability = new NullabilityInfoContext();
        var options = new List<OptionInfo>();
        s_sections.Add((DataflowOptions.SectionName, null, CreateValidator(typeof(DataflowOptions))));
        foreach (var property in PublicProperties(typeof(DataflowOptions)))
        {
            if (property.PropertyType.GetCustomAttribute<OptionsSectionAttribute>() is null)
            {
                options.Add(Describe(null, property, defaults, nullability));
                continue;
            }

            s_sections.Add(($"{DataflowOptions.SectionName}:{property.Name}", property,
                CreateValidator(property.PropertyType)));
            options.AddRange(PublicProperties(property.PropertyType)
                .Select(p => Describe(property, p, defaults, nullability)));
        }

        All = options;
        foreach (var option in options)
        {
            s_byKey.Add(option.Key, option);
        }
    }

    /// <summary>All keys, in the declaration order of <see cref="DataflowOptions"/> and its sections.</summary>
    public static IReadOnlyList<OptionInfo> All { get; }

    /// <summary>The option with this key (case-insensitive), or null.</summary>
    /// <param name="key">A full key such as <c>Dataflow:Shuffle:Compress</c>.</param>
    public static OptionInfo? Find(string key) => s_byKey.GetValueOrDefault(key);

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
        var width = All.Max(o => o.Key.Length + o.TypeName.Length + 1);
        var text = new StringBuilder();
        foreach (var o in All)
        {
            text.Append("  ").Append($"{o.Key} {o.TypeName}".PadRight(width + 2))
                .Append(o.Description).Append(" (default: ").Append(o.DefaultText).Append(")\n");
        }

        return text.ToString();
    }

    /// <summary>Runs every section's validator; failures name the full key.</summary>
    internal static List<string> Validate(DataflowOptions options)
    {
        var failures = new List<string>();
        foreach (var (prefix, property, validator) in s_sections)
        {
            var section = property is null ? options : property.GetValue(options);
            if (section is null)
            {
                failures.Add($"{prefix} must not be null");
                continue;
            }

            validator.Validate(prefix, section, failures);
        }

        return failures;
    }

    private static OptionInfo Describe(PropertyInfo? section, PropertyInfo property, DataflowOptions defaults,
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
        var owner = section is null ? defaults : section.GetValue(defaults)!;
        var defaultText = attribute.DefaultText ?? OptionValueParser.Format(property.GetValue(owner));
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
}
