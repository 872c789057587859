namespace Dataflow.Configuration;

internal sealed class DataflowOptionsValidator : OptionsValidator<DataflowOptions>
{
    protected override void Validate(string prefix, DataflowOptions options, ICollection<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.AppName))
        {
            failures.Add(Failure(prefix, nameof(options.AppName), "must not be empty", options.AppName));
        }

        // Only blank is rejected here: the master's syntax is checked where it is parsed, with a better message.
        if (options.Master is not null && string.IsNullOrWhiteSpace(options.Master))
        {
            failures.Add(Failure(prefix, nameof(options.Master), "must not be blank (leave it unset for local[*])",
                options.Master));
        }
    }
}
