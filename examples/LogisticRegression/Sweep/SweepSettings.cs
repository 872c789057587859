using Dataflow.MLlib.Kernels;

namespace Dataflow.Examples.Bottleneck;

/// <summary>What the bottleneck sweep runs: every mode × device × layout × d, a few L-BFGS iterations each.</summary>
/// <param name="OutputDirectory">Where <c>bottleneck.csv</c> and the plots go.</param>
/// <param name="Modes">(label, master) pairs: <c>local[2]</c>, and a cluster's <c>orleans://</c> address.</param>
/// <param name="Devices">The kernel devices (<c>cpu</c>, and <c>gpu</c> where ILGPU finds CUDA).</param>
/// <param name="Sizes">Model sizes d.</param>
/// <param name="DenseLimit">The largest d run dense (CSR runs at every d).</param>
/// <param name="VolumeBytes">Packed feature data per partition, the same at every d.</param>
/// <param name="Partitions">Partitions of the training data.</param>
/// <param name="Iterations">L-BFGS iterations per configuration.</param>
/// <param name="Seed">Seed of the data.</param>
internal sealed record SweepSettings(string OutputDirectory, IReadOnlyList<(string Label, string Master)> Modes, IReadOnlyList<KernelDevice> Devices,
    IReadOnlyList<int> Sizes, int DenseLimit, long VolumeBytes, int Partitions, int Iterations, long Seed)
{
    /// <summary>The sweep: d = 10² … 10⁶, dense up to 10⁵, 4 MiB per partition, 2 partitions, 5 iterations.</summary>
    public static IReadOnlyList<int> DefaultSizes { get; } = [100, 1_000, 10_000, 100_000, 1_000_000];

    /// <summary>cpu, and gpu when ILGPU finds a CUDA device here.</summary>
    public static IReadOnlyList<KernelDevice> DefaultDevices() =>
        BlockKernels.FindCuda().DeviceName is null ? [KernelDevice.Cpu] : [KernelDevice.Cpu, KernelDevice.Gpu];
}
