using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.Kernels;

/// <summary>Creates the <see cref="IBlockKernels"/> for a <see cref="KernelDevice"/>, and parses device names.</summary>
/// <remarks>
/// Creating ILGPU kernels starts an accelerator and compiles the kernels, so create one instance per executor process
/// (the engine's executor-local state) rather than per task, and dispose it when the executor ends (the returned
/// object is <see cref="IDisposable"/> when it holds an accelerator).
/// </remarks>
public static class BlockKernels
{
    /// <summary>The names <see cref="ParseDevice"/> accepts, as the command line spells them.</summary>
    public const string DeviceNames = "auto|gpu|cpu|ilgpu-cpu";

    /// <summary>
    /// The kernels for <paramref name="device"/>: <see cref="KernelDevice.Auto"/> gives the ILGPU kernels on the first
    /// CUDA device ILGPU finds, else <see cref="SimdKernels"/>; <see cref="KernelDevice.Gpu"/> the CUDA kernels or a
    /// <see cref="DeviceNotFoundException"/>; <see cref="KernelDevice.Cpu"/> <see cref="SimdKernels"/>;
    /// <see cref="KernelDevice.IlgpuCpu"/> the ILGPU kernels on ILGPU's CPU accelerator. The choice is logged (one
    /// information line per call, naming the kernels and the device).
    /// </summary>
    /// <param name="device">Where to run.</param>
    /// <param name="logger">Where the choice is logged; null for nowhere.</param>
    /// <exception cref="DeviceNotFoundException"><see cref="KernelDevice.Gpu"/> and no CUDA device was found.</exception>
    public static IBlockKernels Create(KernelDevice device, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        IBlockKernels kernels;
        string detail;
        switch (device)
        {
            case KernelDevice.Cpu:
                kernels = new SimdKernels();
                detail = "managed SIMD kernels";
                break;
            case KernelDevice.IlgpuCpu:
                var emulated = IlgpuKernels.CreateCpu();
                kernels = emulated;
                detail = emulated.DeviceName;
                break;
            case KernelDevice.Gpu:
                var gpu = IlgpuKernels.TryCreateCuda(out var reason)
                    ?? throw new DeviceNotFoundException($"--device gpu: no CUDA device was found. {reason} Use --device auto or cpu to run on the CPU.");
                kernels = gpu;
                detail = gpu.DeviceName;
                break;
            case KernelDevice.Auto:
                var found = IlgpuKernels.TryCreateCuda(out var why);
                kernels = found ?? (IBlockKernels)new SimdKernels();
                detail = found is null ? $"managed SIMD kernels ({why})" : found.DeviceName;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown kernel device; use one of {DeviceNames}.");
        }

        logger.LogInformation("ML kernels: {Kernels} on {Device} (device {Requested}).", kernels.Name, detail, Format(device));
        return kernels;
    }

    /// <summary>Parses a device name (<c>auto</c>, <c>gpu</c>, <c>cpu</c>, <c>ilgpu-cpu</c>; case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other name; the message lists the valid ones.</exception>
    public static KernelDevice ParseDevice(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "auto" => KernelDevice.Auto,
            "gpu" => KernelDevice.Gpu,
            "cpu" => KernelDevice.Cpu,
            "ilgpu-cpu" => KernelDevice.IlgpuCpu,
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown device '{name}'; use one of {DeviceNames}."), nameof(name)),
        };
    }

    /// <summary>The command-line spelling of a device (the inverse of <see cref="ParseDevice"/>).</summary>
    public static string Format(KernelDevice device) => device switch
    {
        KernelDevice.Auto => "auto",
        KernelDevice.Gpu => "gpu",
        KernelDevice.Cpu => "cpu",
        KernelDevice.IlgpuCpu => "ilgpu-cpu",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown kernel device; use one of {DeviceNames}."),
    };
}
