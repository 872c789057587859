namespace Dataflow.Configuration;

/// <summary>Checks one options object; each failure names the full key, the rule and the value found.</summary>
internal interface IOptionsValidator
{
    /// <param name="prefix">Key of the section being checked, e.g. <c>Dataflow:Scheduler</c>.</param>
    /// <param name="options">The section object.</param>
    /// <param name="failures">Receives one message per broken rule.</param>
    void Validate(string prefix, object options, ICollection<string> failures);
}
