namespace Dataflow.Configuration;

internal sealed class ExecutorOptionsValidator : OptionsValidator<ExecutorOptions>
{
    protected override void Validate(string prefix, ExecutorOptions options, ICollection<string> failures)
    {
        if (options.Memory.Bytes <= 0)
        {
            failures.Add(Failure(prefix, nameof(options.Memory), "must be > 0", options.Memory));
        }

        if (options.Cores < 0)
        {
            failures.Add(Failure(prefix, nameof(options.Cores), "must be ≥ 0 (0 means from the master)", options.Cores));
        }

        // An in-memory fetch is one array.
        if (options.FetchToMemoryLimit.Bytes < 0 || options.FetchToMemoryLimit.Bytes > ByteSize.FromGiB(1).Bytes)
        {
            failures.Add(Failure(prefix, nameof(options.FetchToMemoryLimit), "must be between 0 and 1g", options.FetchToMemoryLimit));
        }
    }
}
