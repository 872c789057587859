using System.Reflection;

namespace Dataflow.Configuration;

/// <summary>One configuration key of <see cref="OptionsRegistry"/>: its key, type, default and description.</summary>
public sealed class OptionInfo
{
    private readonly OptionSection? _section;

    internal OptionInfo(OptionSection? section, PropertyInfo property, bool isNullable, string defaultText,
        string description)
    {
        _section = section;
        Property = property;
        IsNullable = isNullable;
        Key = section is null
            ? $"{DataflowOptions.SectionName}:{property.Name}"
            : $"{DataflowOptions.SectionName}:{section.Name}:{property.Name}";
        DefaultText = defaultText;
        Description = description;
    }

    /// <summary>The full key, e.g. <c>Dataflow:Scheduler:MaxTaskFailures</c> (matched case-insensitively).</summary>
    public string Key { get; }

    /// <summary>The section name (<c>Scheduler</c>, or a registered library section such as <c>ML</c>), or null for
    /// keys directly under <c>Dataflow</c>.</summary>
    public string? Section => _section?.Name;

    /// <summary>The CLR type of the property.</summary>
    public Type Type => Property.PropertyType;

    /// <summary>Short type name for help: <c>int</c>, <c>bool</c>, <c>size</c>, <c>duration</c>, <c>string</c>.</summary>
    public string TypeName => OptionValueParser.Describe(Type);

    /// <summary>The default as text, e.g. <c>4</c>, <c>3s</c>, <c>64k</c>.</summary>
    public string DefaultText { get; }

    /// <summary>A one-line description.</summary>
    public string Description { get; }

    /// <summary>The environment variable setting this key, e.g. <c>DATAFLOW__SCHEDULER__MAXTASKFAILURES</c>.</summary>
    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();

    internal PropertyInfo Property { get; }

    /// <summary>Whether the key may be unset (null); an empty value then means unset.</summary>
    internal bool IsNullable { get; }

    internal object? GetValue(DataflowOptions options) => Property.GetValue(Target(options));

    internal void SetValue(DataflowOptions options, object? value) => Property.SetValue(Target(options), value);

    private object Target(DataflowOptions options) =>
        _section is null
            ? options
            : _section.Get(options) ?? throw new DataflowConfigurationException(
                $"{DataflowOptions.SectionName}:{_section.Name} is null; leave the section object in place.");
}
