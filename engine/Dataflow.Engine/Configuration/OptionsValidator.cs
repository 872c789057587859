namespace Dataflow.Configuration;

/// <summary>
/// Checks one options section, in the spirit of <c>IValidateOptions&lt;T&gt;</c>: the engine's sections and those
/// libraries register with <see cref="OptionsRegistry.RegisterSection{TOptions}"/> derive from it.
/// </summary>
/// <example><code>
/// internal sealed class MyOptionsValidator : OptionsValidator&lt;MyOptions&gt;
/// {
///     protected override void Validate(string prefix, MyOptions options, ICollection&lt;string&gt; failures)
///     {
///         if (options.Depth &lt; 1)
///             failures.Add(Failure(prefix, nameof(options.Depth), "must be ≥ 1", options.Depth));
///     }
/// }
/// </code></example>
/// <typeparam name="TOptions">The section type checked.</typeparam>
public abstract class OptionsValidator<TOptions> : IOptionsValidator
{
    void IOptionsValidator.Validate(string prefix, object options, ICollection<string> failures) =>
        Validate(prefix, (TOptions)options, failures);

    /// <summary>Adds one message to <paramref name="failures"/> per broken rule; each names the full key.</summary>
    /// <param name="prefix">Key of the section being checked, e.g. <c>Dataflow:Scheduler</c>.</param>
    /// <param name="options">The bound section.</param>
    /// <param name="failures">Receives the messages.</param>
    protected abstract void Validate(string prefix, TOptions options, ICollection<string> failures);

    /// <summary>Formats <c>Dataflow:Scheduler:MaxTaskFailures must be ≥ 1, got 0</c>.</summary>
    /// <param name="prefix">The section's key prefix.</param>
    /// <param name="name">The property name.</param>
    /// <param name="rule">The rule, e.g. <c>must be ≥ 1</c>.</param>
    /// <param name="value">The value found, printed as configuration prints it.</param>
    protected static string Failure(string prefix, string name, string rule, object? value) =>
        $"{prefix}:{name} {rule}, got {(value is string s ? $"'{s}'" : OptionValueParser.Format(value))}";
}
