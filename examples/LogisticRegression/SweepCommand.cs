using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.Examples.Bottleneck;
using Dataflow.MLlib.Kernels;

namespace Dataflow.Examples.LogisticRegression;

/// <summary><c>LogisticRegression --benchmark-sweep --out DIR</c>: the bottleneck sweep (<see cref="BottleneckSweep"/>) from the command line.</summary>
internal static class SweepCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        var parser = new ArgumentParser("LogisticRegression --benchmark-sweep",
            "Sweeps the model size d and writes where each training iteration's time went (bottleneck.csv and PNG plots) into --out.");
        _ = parser.AddFlag("benchmark-sweep", "run the bottleneck sweep instead of training on a file");
        var output = parser.Add<string>("out", "directory for bottleneck.csv and the plots", required: true, valueName: "DIR");
        var sizes = parser.AddList<int>("sizes", "model sizes d (default 1e2,1e3,1e4,1e5,1e6)", "D");
        var denseLimit = parser.Add("dense-limit", 100_000, "the largest d also run dense (CSR, 100 non-zeros per row, runs at every d)", "D");
        var volume = parser.Add("volume", ByteSize.FromMiB(4), "packed feature data per partition, the same at every d");
        var partitions = parser.Add("partitions", 2, "partitions of the training data", "P");
        var iterations = parser.Add("iterations", 5, "L-BFGS iterations per configuration", "N");
        var devices = parser.AddList<string>("devices", "kernel devices: cpu, gpu, ilgpu-cpu (default cpu, and gpu when ILGPU finds CUDA)", "DEVICE");
        var cluster = parser.Add<string?>("cluster", "also run on this cluster (orleans://host:port), labelled 'cluster'", valueName: "URL");
        var seed = parser.Add("seed", 7L, "seed of the synthetic data", "S");
        var standard = parser.AddStandardOptions();
        return ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
        {
            var chosen = parsed.Get(devices) is { Count: > 0 } named ? [.. named.Select(Device)] : SweepSettings.DefaultDevices();
            var local = parsed.Get(standard.Master) ?? "local[2]";
            var modes = new List<(string, string)> { (local, local) };
            if (parsed.Get(cluster) is { } url)
                modes.Add(("cluster", url));
            Check(parsed.Get(partitions) >= 1, "--partitions must be 1 or more.");
            Check(parsed.Get(iterations) >= 1, "--iterations must be 1 or more.");
            Check(parsed.Get(volume).Bytes >= 1024, "--volume must be at least 1k.");
            var d = parsed.Get(sizes) is { Count: > 0 } given ? given : SweepSettings.DefaultSizes;
            Check(d.All(x => x >= 1), "--sizes must all be 1 or more.");
            var settings = new SweepSettings(parsed.Get(output), modes, chosen, d, parsed.Get(denseLimit), parsed.Get(volume).Bytes, parsed.Get(partitions),
                parsed.Get(iterations), parsed.Get(seed));
            await BottleneckSweep.RunAsync(settings, Console.Out, Console.Error, cancellationToken);
        });
    }

    private static KernelDevice Device(string name)
    {
        try
        {
            var device = BlockKernels.ParseDevice(name);
            _ = BlockKernels.Describe(device);
            return device;
        }
        catch (Exception e) when (e is ArgumentException or DeviceNotFoundException)
        {
            throw new UsageException($"--devices: {e.Message}", e);
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
            throw new UsageException(message);
    }
}
