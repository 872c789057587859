namespace Dataflow.Configuration;

internal sealed class EventLogOptionsValidator : OptionsValidator<EventLogOptions>
{
    protected override void Validate(string prefix, EventLogOptions options, ICollection<string> failures)
    {
        if (options.Directory is not null && string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add(Failure(prefix, nameof(options.Directory), "must name a directory or be unset", options.Directory));
        }
    }
}
