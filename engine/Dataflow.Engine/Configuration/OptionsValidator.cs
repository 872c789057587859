namespace Dataflow.Configuration;

/// <summary>Typed base for section validators, in the spirit of <c>IValidateOptions&lt;T&gt;</c>.</summary>
/// <typeparam name="TOptions">The section type checked.</typeparam>
internal abstract class OptionsValidator<TOptions> : IOptionsValidator
{
    void IOptionsValidator.Validate(string prefix, object options, ICollection<string> failures) =>
        Validate(prefix, (TOptions)options, failures);

    protected abstract void Validate(string prefix, TOptions options, ICollection<string> failures);

    /// <summary>Formats <c>Dataflow:Scheduler:MaxTaskFailures must be ≥ 1, got 0</c>.</summary>
    protected static string Failure(string prefix, string name, string rule, object? value) =>
        $"{prefix}:{name} {rule}, got {(value is string s ? $"'{s}'" : OptionValueParser.Format(value))}";
}
