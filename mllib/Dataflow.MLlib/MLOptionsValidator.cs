using Dataflow.Configuration;

namespace Dataflow.MLlib;

internal sealed class MLOptionsValidator : OptionsValidator<MLOptions>
{
    /// <summary>No block array may pass 2 GiB; below 1 KiB a block would hold almost nothing.</summary>
    internal static readonly ByteSize Largest = ByteSize.FromGiB(2);

    internal static readonly ByteSize Smallest = ByteSize.FromKiB(1);

    protected override void Validate(string prefix, MLOptions options, ICollection<string> failures)
    {
        if (options.MaxBlockSize.Bytes < Smallest.Bytes || options.MaxBlockSize.Bytes > Largest.Bytes)
        {
            failures.Add(Failure(prefix, nameof(options.MaxBlockSize), "must be from 1k to 2g", options.MaxBlockSize));
        }

        try
        {
            Kernels.BlockKernels.ParseDevice(options.Device ?? "");
        }
        catch (ArgumentException)
        {
            failures.Add(Failure(prefix, nameof(options.Device), "must be one of " + Kernels.BlockKernels.DeviceNames, options.Device));
        }
    }
}
