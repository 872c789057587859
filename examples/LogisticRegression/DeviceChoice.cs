using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.MLlib;
using Dataflow.MLlib.Kernels;

namespace Dataflow.Examples;

/// <summary>
/// The ML examples' <c>--device auto|gpu|cpu|ilgpu-cpu</c>: declared through the engine's parser as the key
/// <c>Dataflow:ML:Device</c>, resolved once on the driver and logged on standard error.
/// </summary>
internal static class DeviceChoice
{
    /// <summary>Declares <c>--device</c>.</summary>
    public static Option<string?> Add(StandardOptions standard) =>
        standard.AddKeyOption("device", $"Dataflow:{MLOptions.SectionName}:{nameof(MLOptions.Device)}",
            "where the ML kernels run: auto (a CUDA GPU when ILGPU finds one, else the CPU), gpu, cpu or ilgpu-cpu (ILGPU's CPU emulator, small data only); default auto",
            "DEVICE");

    /// <summary>
    /// The configured device, after writing one line naming it (and what <c>auto</c> became) to standard error.
    /// </summary>
    /// <exception cref="UsageException"><c>gpu</c> and ILGPU finds no CUDA device (exit code 2).</exception>
    public static KernelDevice Resolve(string program, DataflowOptions options)
    {
        var device = options.Section<MLOptions>().KernelDevice;
        try
        {
            Console.Error.WriteLine($"{program}: ML kernels: {BlockKernels.Describe(device)}");
            return device;
        }
        catch (DeviceNotFoundException e)
        {
            throw new UsageException(e.Message, e);
        }
    }
}
