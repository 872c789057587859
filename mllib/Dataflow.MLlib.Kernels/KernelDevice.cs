namespace Dataflow.MLlib.Kernels;

/// <summary>Where the block kernels run (<c>Dataflow:ML:Device</c>, <c>--device</c>): see <see cref="BlockKernels.Create(KernelDevice, Microsoft.Extensions.Logging.ILogger?)"/>.</summary>
public enum KernelDevice
{
    /// <summary>"auto": a CUDA GPU when ILGPU finds one, else the managed SIMD kernels.</summary>
    Auto,

    /// <summary>"gpu": the ILGPU kernels on a CUDA GPU; an error (<see cref="DeviceNotFoundException"/>) without one.</summary>
    Gpu,

    /// <summary>"cpu": the managed SIMD kernels.</summary>
    Cpu,

    /// <summary>"ilgpu-cpu": the ILGPU kernels on ILGPU's CPU accelerator, an emulator for tests on small data.</summary>
    IlgpuCpu,
}
