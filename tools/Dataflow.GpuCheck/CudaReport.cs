using System.Reflection;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Dataflow.GpuCheck;

/// <summary>Step 1: what ILGPU sees: its version, every CUDA device with its details, or exactly what it reported.</summary>
internal static class CudaReport
{
    public static bool Write(TextWriter output)
    {
        var version = typeof(Context).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(Context).Assembly.GetName().Version?.ToString();
        output.WriteLine($"ILGPU {version}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores");
        try
        {
            using var context = Context.Create(b => b.Cuda());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                output.WriteLine("CUDA: ILGPU found no CUDA device (Context.Create(Cuda()) succeeded, GetCudaDevices() is empty: no NVIDIA GPU or driver visible).");
                return false;
            }

            foreach (var device in devices)
            {
                output.WriteLine($"CUDA device: {device.Name}, {device.Architecture} ({device.InstructionSet}), {device.MemorySize >> 20} MiB, " +
                    $"{device.NumMultiprocessors} SMs, driver {device.DriverVersion}, max {device.MaxNumThreadsPerGroup} threads per group");
            }

            return true;
        }
        catch (Exception error)
        {
            output.WriteLine($"CUDA: ILGPU reported {error.GetType().FullName}: {error.Message}");
            for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
                output.WriteLine($"  caused by {inner.GetType().FullName}: {inner.Message}");
            return false;
        }
    }
}
