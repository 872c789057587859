namespace Dataflow.CommandLine;

/// <summary>
/// A typed handle to one declared option or positional argument; pass it to <see cref="ParseResult.Get{T}"/>.
/// Created by <see cref="ArgumentParser"/>'s <c>Add</c> methods.
/// </summary>
/// <typeparam name="T">The value type (<see cref="IReadOnlyList{T}"/> for repeatable options).</typeparam>
public sealed class Option<T>
{
    internal Option(ArgumentParser owner, OptionSpec spec)
    {
        Owner = owner;
        Spec = spec;
    }

    /// <summary>The name without dashes, e.g. <c>executor-memory</c>.</summary>
    public string Name => Spec.Name;

    /// <summary>The help text.</summary>
    public string Description => Spec.Description;

    /// <summary>Whether parsing fails when the option is absent.</summary>
    public bool IsRequired => Spec.IsRequired;

    internal ArgumentParser Owner { get; }

    internal OptionSpec Spec { get; }

    /// <summary>How it is written on the command line: <c>--top</c>, or <c>INPUT</c> for a positional.</summary>
    /// <returns>The display form.</returns>
    public override string ToString() => Spec.Display;
}
