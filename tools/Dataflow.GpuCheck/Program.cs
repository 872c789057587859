using System.Globalization;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.Examples.Bottleneck;
using Dataflow.GpuCheck;
using Dataflow.MLlib;
using Dataflow.MLlib.Kernels;

// Dataflow.GpuCheck: the checks to run once on a machine with a CUDA GPU (engine + kernels, no Orleans or ASP.NET
// Core): what ILGPU finds, GPU kernels vs the managed kernels, the dense gradient pass's GB/s vs a device-to-device
// copy, and the bottleneck sweep in local mode with the GPU kernels. Without a GPU it runs the same checks on ILGPU's
// CPU accelerator (small sizes) and says so. Everything printed is also written to DIR/gpu-check.txt.
MLOptions.Register();
var parser = new ArgumentParser("Dataflow.GpuCheck", "Checks the ILGPU kernels on a CUDA GPU (or ILGPU's CPU accelerator without one) and runs the bottleneck sweep.");
var output = parser.Add("out", "gpu-check", "directory for gpu-check.txt, bottleneck.csv and the plots", "DIR");
var blockSize = parser.Add<ByteSize?>("block", "dense block size for the GB/s measurement (default 512m on a GPU, 16m on the CPU accelerator)");
var sizes = parser.AddList<int>("sizes", "sweep model sizes d (default 1e2..1e6 on a GPU, 1e2,1e3,1e4 without)", "D");
var volume = parser.Add<ByteSize?>("volume", "sweep feature data per partition (default 4m on a GPU, 256k without)");
var iterations = parser.Add("iterations", 5, "sweep L-BFGS iterations per configuration", "N");
var skipSweep = parser.AddFlag("skip-sweep", "run the checks only");
var standard = parser.AddStandardOptions();
return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var directory = parsed.Get(output);
    Directory.CreateDirectory(directory);
    using var report = new StringWriter(CultureInfo.InvariantCulture);
    var both = new Tee(Console.Out, report);
    both.WriteLine($"# Dataflow GPU check, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    if (File.Exists("/proc/loadavg"))
        both.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    var cuda = CudaReport.Write(both);
    var device = cuda ? KernelDevice.Gpu : KernelDevice.IlgpuCpu;
    if (!cuda)
        both.WriteLine("No CUDA device: the checks below run on ILGPU's CPU accelerator (an emulator) at small sizes; its GB/s say nothing about a GPU.");
    using var kernels = (IlgpuKernels)BlockKernels.Create(device);
    both.WriteLine($"kernels: {kernels.Name} on {kernels.DeviceName}, resident-block budget {(kernels.MemoryBudget >= 1L << 40 ? "unbounded" : $"{kernels.MemoryBudget >> 20} MiB")}");
    var agree = KernelAgreement.Check(kernels, both);
    both.WriteLine(agree ? "kernel agreement: ok (1e-6 relative)" : "kernel agreement: FAILED");
    var block = parsed.Get(blockSize)?.Bytes ?? (cuda ? 512L << 20 : 16L << 20);
    var (pass, copy) = Bandwidth.Measure(kernels, cuda, block, cuda ? 20 : 3, both);
    var (simdPass, hostCopy) = Bandwidth.Measure(new SimdKernels(), false, Math.Min(block, 256L << 20), 5, both);
    both.WriteLine(string.Create(CultureInfo.InvariantCulture, $"summary: {kernels.Name} pass {pass:F2} GB/s vs copy {copy:F2} GB/s ({pass / copy:P0}); simd pass {simdPass:F2} GB/s vs host copy {hostCopy:F2} GB/s ({simdPass / hostCopy:P0})"));
    if (!parsed.Get(skipSweep))
    {
        var d = parsed.Get(sizes) is { Count: > 0 } given ? given : cuda ? SweepSettings.DefaultSizes : [100, 1_000, 10_000];
        var settings = new SweepSettings(directory, [("local[2]", "local[2]")], [KernelDevice.Cpu, device], d, 100_000,
            parsed.Get(volume)?.Bytes ?? (cuda ? 4L << 20 : 256L << 10), 2, parsed.Get(iterations), 7);
        await BottleneckSweep.RunAsync(settings, both, Console.Error, cancellationToken);
    }

    await File.WriteAllTextAsync(Path.Combine(directory, "gpu-check.txt"), report.ToString(), cancellationToken);
    if (!agree)
        throw new InvalidOperationException("the ILGPU kernels disagree with the managed kernels (see above)");
});
