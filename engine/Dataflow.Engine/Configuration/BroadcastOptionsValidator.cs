namespace Dataflow.Configuration;

internal sealed class BroadcastOptionsValidator : OptionsValidator<BroadcastOptions>
{
    // A piece travels in one message, and messages carry at most 4 MiB of bulk data.
    private static readonly ByteSize s_min = ByteSize.FromKiB(1);
    private static readonly ByteSize s_max = ByteSize.FromMiB(4);

    protected override void Validate(string prefix, BroadcastOptions options, ICollection<string> failures)
    {
        if (options.BlockSize.Bytes < s_min.Bytes || options.BlockSize.Bytes > s_max.Bytes)
        {
            failures.Add(Failure(prefix, nameof(options.BlockSize), "must be between 1k and 4m", options.BlockSize));
        }
    }
}
