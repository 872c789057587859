namespace Dataflow.Configuration;

internal sealed class SchedulerOptionsValidator : OptionsValidator<SchedulerOptions>
{
    protected override void Validate(string prefix, SchedulerOptions options, ICollection<string> failures)
    {
        if (options.MaxTaskFailures < 1)
        {
            failures.Add(Failure(prefix, nameof(options.MaxTaskFailures), "must be ≥ 1", options.MaxTaskFailures));
        }

        if (options.LocalityWait < TimeSpan.Zero)
        {
            failures.Add(Failure(prefix, nameof(options.LocalityWait), "must be ≥ 0", options.LocalityWait));
        }
    }
}
