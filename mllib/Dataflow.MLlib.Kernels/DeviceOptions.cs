namespace Dataflow.MLlib.Kernels;

/// <summary>Settings of the ILGPU kernels (the managed kernels have none).</summary>
/// <example><code>
/// using var kernels = IlgpuKernels.CreateCpu(new DeviceOptions { MemoryBudget = 64L &lt;&lt; 20 });
/// </code></example>
public sealed record DeviceOptions
{
    /// <summary>The defaults: a budget of 80% of the accelerator's memory.</summary>
    public static DeviceOptions Default { get; } = new();

    /// <summary>
    /// The most device memory, in bytes, that resident training blocks may take (MLlib's <c>Dataflow:ML:DeviceMemory</c>).
    /// Blocks are kept resident in the order they are first used while they fit; a block that does not fit is
    /// streamed: uploaded for each kernel call on it and freed when the call ends. Scratch buffers, the model and
    /// the one streamed block come on top. Null (the default) means 80% of the accelerator's memory; 0 streams every
    /// block.
    /// </summary>
    public long? MemoryBudget { get; init; }
}
