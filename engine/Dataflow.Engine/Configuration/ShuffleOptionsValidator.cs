namespace Dataflow.Configuration;

internal sealed class ShuffleOptionsValidator : OptionsValidator<ShuffleOptions>
{
    // Buffers are single arrays; past 1g they stop helping and start failing allocations.
    private static readonly ByteSize s_maxBuffer = ByteSize.FromGiB(1);

    protected override void Validate(string prefix, ShuffleOptions options, ICollection<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.LocalDirectory))
        {
            failures.Add(Failure(prefix, nameof(options.LocalDirectory), "must name a directory", options.LocalDirectory));
        }

        if (options.SpillDirectory is not null && string.IsNullOrWhiteSpace(options.SpillDirectory))
        {
            failures.Add(Failure(prefix, nameof(options.SpillDirectory),
                "must name a directory or be unset", options.SpillDirectory));
        }

        if (options.BypassMergeThreshold < 0)
        {
            failures.Add(Failure(prefix, nameof(options.BypassMergeThreshold), "must be ≥ 0", options.BypassMergeThreshold));
        }

        if (options.InMemoryOutputThreshold.Bytes < 0 || options.InMemoryOutputThreshold.Bytes > s_maxBuffer.Bytes)
        {
            failures.Add(Failure(prefix, nameof(options.InMemoryOutputThreshold), "must be between 0 and 1g",
                options.InMemoryOutputThreshold));
        }

        if (options.InMemoryOutputLimit.Bytes < 0)
        {
            failures.Add(Failure(prefix, nameof(options.InMemoryOutputLimit), "must be ≥ 0", options.InMemoryOutputLimit));
        }

        if (options.FileBufferSize.Bytes < 1 || options.FileBufferSize.Bytes > s_maxBuffer.Bytes)
        {
            failures.Add(Failure(prefix, nameof(options.FileBufferSize), "must be between 1 and 1g",
                options.FileBufferSize));
        }
    }
}
