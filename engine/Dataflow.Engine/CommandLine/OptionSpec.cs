using System.Diagnostics.CodeAnalysis;
using Dataflow.Configuration;

namespace Dataflow.CommandLine;

/// <summary>The untyped description of one option; <see cref="Option{T}"/> is its typed handle.</summary>
internal sealed class OptionSpec(string name, string description, OptionKind kind, Type valueType)
{
    private readonly string? _valueName;

    public string Name { get; } = name;

    public string Description { get; } = description;

    public OptionKind Kind { get; } = kind;

    /// <summary>The type of one value (the element type for lists).</summary>
    public Type ValueType { get; } = valueType;

    public bool IsRequired { get; init; }

    /// <summary>The value when the option is absent (an empty list for lists).</summary>
    public object? DefaultValue { get; init; }

    /// <summary>Whether <see cref="DefaultValue"/> was given by the program and so is shown in help.</summary>
    public bool ShowDefault { get; init; }

    public bool SplitCommas { get; init; } = true;

    /// <summary>Builds the typed list returned for list options.</summary>
    public Func<List<object?>, object>? MakeList { get; init; }

    /// <summary>Placeholder in help (<c>N</c>, <c>SIZE</c>, <c>DIR</c>); derived from the type unless set.</summary>
    [AllowNull]
    public string ValueName
    {
        get => _valueName ?? DefaultValueName(ValueType);
        init => _valueName = value;
    }

    /// <summary>How the option is written in messages: <c>--top</c>, or <c>INPUT</c> for a positional.</summary>
    public string Display => Kind is OptionKind.Positional or OptionKind.Remainder ? Name.ToUpperInvariant() : "--" + Name;

    public object? ParseValue(string text)
    {
        if (OptionValueParser.TryParse(ValueType, text, out var value, out var expected))
        {
            return value;
        }

        throw new UsageException(
            $"{Display}: '{text}' is not a valid {OptionValueParser.Describe(ValueType)}; expected {expected}");
    }

    private static string DefaultValueName(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(int) || t == typeof(long) => "N",
            _ when t == typeof(double) => "X",
            _ when t == typeof(ByteSize) => "SIZE",
            _ when t == typeof(TimeSpan) => "DURATION",
            _ when t == typeof(bool) || t.IsEnum => OptionValueParser.Describe(t),
            _ => "VALUE",
        };
    }
}
