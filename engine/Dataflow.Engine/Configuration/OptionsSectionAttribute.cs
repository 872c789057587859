namespace Dataflow.Configuration;

/// <summary>
/// Marks an options class as a section of <see cref="DataflowOptions"/> and names its validator. A property of
/// <see cref="DataflowOptions"/> whose type carries this attribute becomes the section <c>Dataflow:&lt;Property&gt;</c>;
/// the registry, loader, validation and help text pick it up from there.
/// </summary>
/// <param name="validatorType">An <see cref="IOptionsValidator"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
internal sealed class OptionsSectionAttribute(Type validatorType) : Attribute
{
    public Type ValidatorType { get; } = validatorType;
}
