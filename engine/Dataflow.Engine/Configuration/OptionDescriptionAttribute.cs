namespace Dataflow.Configuration;

/// <summary>
/// The one-line description <see cref="OptionsRegistry"/> shows for a configuration key in <c>--help</c> and the
/// README. XML docs are not available at run time, so every option property carries one.
/// </summary>
/// <param name="description">A short sentence describing the option.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class OptionDescriptionAttribute(string description) : Attribute
{
    /// <summary>The description shown next to the key.</summary>
    public string Description { get; } = description;

    /// <summary>
    /// Default shown instead of the property's initial value, for defaults that depend on the machine
    /// (<c>¼ of available memory</c>); null shows the initial value.
    /// </summary>
    public string? DefaultText { get; init; }
}
