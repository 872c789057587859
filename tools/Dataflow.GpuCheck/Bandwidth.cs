using System.Diagnostics;
using Dataflow.MLlib.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Dataflow.GpuCheck;

/// <summary>
/// Step 3: the dense gradient pass's rate against a device-to-device copy of the same size, measured in the same run
/// on the same device. Both count the block's bytes once per operation (GB/s of block processed, GB/s copied), and
/// both touch twice that in memory (the pass reads the block twice, margins then gradient; the copy reads and writes
/// it), so the ratio is the share of the copy's rate the pass reaches (the target: at least 70%).
/// </summary>
internal static class Bandwidth
{
    public static (double PassGBps, double CopyGBps) Measure(IBlockKernels kernels, bool cuda, long blockBytes, int repeats, TextWriter output)
    {
        const int d = 1000;
        var rows = (int)Math.Max(1, blockBytes / (d * sizeof(float)));
        var random = new Random(5);
        var block = InstanceBlock.Dense(rows, d, [.. Enumerable.Range(0, rows * d).Select(_ => (float)((random.NextDouble() * 2) - 1))],
            [.. Enumerable.Range(0, rows).Select(_ => (double)random.Next(2))]);
        var w = new double[d];
        var gradient = new double[d + 1];
        kernels.BinaryLogistic(block, w, 0, gradient);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
            kernels.BinaryLogistic(block, w, 0, gradient);
        var pass = clock.Elapsed.TotalSeconds / repeats;
        var bytes = block.FeatureBytes;
        var copy = cuda ? DeviceCopySeconds(bytes, repeats, gpu: true) : kernels is IlgpuKernels ? DeviceCopySeconds(bytes, repeats, gpu: false) : HostCopySeconds(bytes, repeats);
        var (passRate, copyRate) = (bytes / pass / 1e9, bytes / copy / 1e9);
        output.WriteLine($"dense gradient pass ({kernels.Name}, {rows} x {d}, {bytes >> 20} MiB): {pass * 1e3:F3} ms, {passRate:F2} GB/s; " +
            $"copy of the same size on the same device: {copy * 1e3:F3} ms, {copyRate:F2} GB/s; pass / copy = {passRate / copyRate:P0}");
        return (passRate, copyRate);
    }

    private static double DeviceCopySeconds(long bytes, int repeats, bool gpu)
    {
        using var context = gpu ? Context.Create(b => b.Cuda()) : Context.Create(b => b.CPU());
        using var accelerator = gpu ? context.GetCudaDevices()[0].CreateAccelerator(context) : context.GetCPUDevice(0).CreateAccelerator(context);
        using var source = accelerator.Allocate1D<float>(bytes / sizeof(float));
        using var target = accelerator.Allocate1D<float>(bytes / sizeof(float));
        source.MemSetToZero();
        source.View.CopyTo(target.View);
        accelerator.Synchronize();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
            source.View.CopyTo(target.View);
        accelerator.Synchronize();
        return clock.Elapsed.TotalSeconds / repeats;
    }

    private static double HostCopySeconds(long bytes, int repeats)
    {
        var source = new byte[bytes];
        var target = new byte[bytes];
        source.AsSpan().CopyTo(target);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
            source.AsSpan().CopyTo(target);
        return clock.Elapsed.TotalSeconds / repeats;
    }
}
