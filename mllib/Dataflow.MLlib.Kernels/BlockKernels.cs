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
    private static readonly Lazy<(string? DeviceName, string Reason)> CudaProbe = new(IlgpuKernels.ProbeCuda);

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
    public static IBlockKernels Create(KernelDevice device, ILogger? logger = null) => Create(device, DeviceOptions.Default, logger);

    /// <summary>
    /// <see cref="Create(KernelDevice, ILogger?)"/> with <paramref name="options"/> for the ILGPU kernels (the device
    /// memory budget for resident blocks); the managed kernels ignore them.
    /// </summary>
    /// <param name="device">Where to run.</param>
    /// <param name="options">The ILGPU kernels' settings.</param>
    /// <param name="logger">Where the choice is logged; null for nowhere.</param>
    /// <exception cref="DeviceNotFoundException"><see cref="KernelDevice.Gpu"/> and no CUDA device was found.</exception>
    public static IBlockKernels Create(KernelDevice device, DeviceOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
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
                var emulated = IlgpuKernels.CreateCpu(options);
                kernels = emulated;
                detail = emulated.DeviceName;
                break;
            case KernelDevice.Gpu:
                var gpu = IlgpuKernels.TryCreateCuda(options, out var reason)
                    ?? throw NoCuda(reason);
                kernels = gpu;
                detail = gpu.DeviceName;
                break;
            case KernelDevice.Auto:
                // The probe is cached per process, so an executor without a GPU does not start CUDA again per call.
                var why = CudaProbe.Value.Reason;
                var found = CudaProbe.Value.DeviceName is null ? null : IlgpuKernels.TryCreateCuda(options, out why);
                kernels = found ?? (IBlockKernels)new SimdKernels();
                detail = found is null ? $"managed SIMD kernels ({why})" : found.DeviceName;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown kernel device; use one of {DeviceNames}.");
        }

        logger.LogInformation("ML kernels: {Kernels} on {Device} (device {Requested}).", kernels.Name, detail, Format(device));
        return kernels;
    }

    /// <summary>
    /// What <paramref name="device"/> resolves to in this process, in one line for the log ("ilgpu-cuda on NVIDIA
    /// H200", "simd (managed SIMD kernels; ILGPU found no CUDA device ...)"), without compiling any kernel: the CUDA
    /// probe runs once per process and is cached.
    /// </summary>
    /// <param name="device">The requested device.</param>
    /// <exception cref="DeviceNotFoundException"><see cref="KernelDevice.Gpu"/> and no CUDA device was found.</exception>
    public static string Describe(KernelDevice device)
    {
        var (name, reason) = device is KernelDevice.Gpu or KernelDevice.Auto ? CudaProbe.Value : (null, "");
        return device switch
        {
            KernelDevice.Cpu => "simd (managed SIMD kernels on the CPU)",
            KernelDevice.IlgpuCpu => "ilgpu-cpu (ILGPU kernels on ILGPU's CPU accelerator, an emulator for small data)",
            KernelDevice.Gpu => name is null ? throw NoCuda(reason) : $"ilgpu-cuda on {name}",
            KernelDevice.Auto => name is null ? $"simd (managed SIMD kernels; {reason})" : $"ilgpu-cuda on {name}",
            _ => throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown kernel device; use one of {DeviceNames}."),
        };
    }

    /// <summary>
    /// Whether ILGPU finds a CUDA device in this process: the first device's name, or null and what ILGPU reported
    /// (probed once per process, then cached).
    /// </summary>
    public static (string? DeviceName, string Reason) FindCuda() => CudaProbe.Value;

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

    private static DeviceNotFoundException NoCuda(string reason) =>
        new($"--device gpu: no CUDA device was found. {reason} Use --device auto or cpu to run on the CPU.");
}
