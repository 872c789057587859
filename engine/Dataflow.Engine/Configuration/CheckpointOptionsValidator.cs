namespace Dataflow.Configuration;

internal sealed class CheckpointOptionsValidator : OptionsValidator<CheckpointOptions>
{
    protected override void Validate(string prefix, CheckpointOptions options, ICollection<string> failures)
    {
        if (options.Directory is not null && string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add(Failure(prefix, nameof(options.Directory), "must name a directory or be unset", options.Directory));
        }
    }
}
