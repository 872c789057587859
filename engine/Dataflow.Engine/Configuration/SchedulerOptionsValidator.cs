namespace Dataflow.Configuration;

internal sealed class SchedulerOptionsValidator : OptionsValidator<SchedulerOptions>
{
    protected override void Validate(string prefix, SchedulerOptions options, ICollection<string> failures)
    {
        AtLeastOne(prefix, nameof(options.MaxTaskFailures), options.MaxTaskFailures, failures);
        AtLeastOne(prefix, nameof(options.ExcludeStageMaxFailedTasksPerExecutor), options.ExcludeStageMaxFailedTasksPerExecutor, failures);
        AtLeastOne(prefix, nameof(options.ExcludeApplicationMaxFailedTasksPerExecutor), options.ExcludeApplicationMaxFailedTasksPerExecutor, failures);
        if (options.LocalityWait < TimeSpan.Zero)
        {
            failures.Add(Failure(prefix, nameof(options.LocalityWait), "must be ≥ 0", options.LocalityWait));
        }

        if (options.ExcludeTimeout <= TimeSpan.Zero)
        {
            failures.Add(Failure(prefix, nameof(options.ExcludeTimeout), "must be > 0", options.ExcludeTimeout));
        }

        if (!(options.SpeculationQuantile > 0 && options.SpeculationQuantile <= 1))
        {
            failures.Add(Failure(prefix, nameof(options.SpeculationQuantile), "must be in (0, 1]", options.SpeculationQuantile));
        }

        if (!(options.SpeculationMultiplier >= 1))
        {
            failures.Add(Failure(prefix, nameof(options.SpeculationMultiplier), "must be ≥ 1", options.SpeculationMultiplier));
        }

        if (options.SpeculationMinRuntime < TimeSpan.Zero)
        {
            failures.Add(Failure(prefix, nameof(options.SpeculationMinRuntime), "must be ≥ 0", options.SpeculationMinRuntime));
        }
    }

    private static void AtLeastOne(string prefix, string name, int value, ICollection<string> failures)
    {
        if (value < 1)
        {
            failures.Add(Failure(prefix, name, "must be ≥ 1", value));
        }
    }
}
