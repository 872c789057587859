namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The GPU kernels were asked for (<see cref="KernelDevice.Gpu"/>) and ILGPU found no CUDA device: a usage error
/// (the examples exit with code 2); the message says what ILGPU reported.
/// </summary>
public sealed class DeviceNotFoundException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public DeviceNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public DeviceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public DeviceNotFoundException()
        : base("No CUDA device was found.")
    {
    }
}
