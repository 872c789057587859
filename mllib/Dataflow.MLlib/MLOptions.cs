using Dataflow.Configuration;

namespace Dataflow.MLlib;

/// <summary>
/// MLlib's options, the configuration section <c>Dataflow:ML</c>: bound like the engine's keys (code &gt;
/// <c>--conf Dataflow:ML:Key=value</c> &gt; <c>DATAFLOW__ML__KEY</c> &gt; JSON &gt; default) once
/// <see cref="Register"/> has run.
/// </summary>
/// <example><code>
/// MLOptions.Register();                    // first thing in Main, before the command line is parsed
/// var options = standard.LoadOptions(parsed);
/// await using var ctx = new DataflowContext(options);
/// var limit = MLOptions.From(ctx).MaxBlockSize;
/// </code></example>
public sealed class MLOptions
{
    /// <summary>The section name: keys are <c>Dataflow:ML:&lt;Key&gt;</c>.</summary>
    public const string SectionName = "ML";

    /// <summary>
    /// The most feature data one packed block holds (float32 values, plus indices and row offsets when sparse):
    /// a partition larger than this is packed into several blocks, so no array needs to exceed it. Default 256m;
    /// from 1k to 2g. A block always holds at least one row.
    /// </summary>
    /// <remarks>Spark: maxBlockSizeInMB (whose default, 0, means automatic)</remarks>
    [OptionDescription("Most feature data in one packed training block; larger partitions get several blocks (at most 2g).")]
    public ByteSize MaxBlockSize { get; set; } = ByteSize.FromMiB(256);

    /// <summary>
    /// Where the per-block kernels run: <c>auto</c> (the default: a CUDA GPU when ILGPU finds one, else the managed
    /// SIMD kernels), <c>gpu</c> (a CUDA GPU or a usage error), <c>cpu</c> (the managed SIMD kernels) or
    /// <c>ilgpu-cpu</c> (ILGPU's CPU accelerator, an emulator for tests on small data). See
    /// <see cref="Kernels.BlockKernels.Create(Kernels.KernelDevice, Microsoft.Extensions.Logging.ILogger?)"/>.
    /// </summary>
    [OptionDescription("Where the ML kernels run: auto|gpu|cpu|ilgpu-cpu (auto: a CUDA GPU when one is found, else the CPU).")]
    public string Device { get; set; } = "auto";

    /// <summary>
    /// How much device memory the training blocks may keep resident on each executor's accelerator (the ILGPU kernels:
    /// a GPU, or ILGPU's CPU accelerator): blocks are kept in the order they are first used while they fit, the others
    /// are uploaded again every pass (streamed). 0, the default, means 80% of the accelerator's memory. The managed
    /// kernels ignore it. See <see cref="Kernels.DeviceOptions.MemoryBudget"/>.
    /// </summary>
    [OptionDescription("Device memory the resident training blocks may use per accelerator; the rest stream each pass (0: 80% of the device's memory).")]
    public ByteSize DeviceMemory { get; set; } = new(0);

    /// <summary><see cref="DeviceMemory"/> as the kernels' settings.</summary>
    public Kernels.DeviceOptions DeviceOptions => new() { MemoryBudget = DeviceMemory.Bytes == 0 ? null : DeviceMemory.Bytes };

    /// <summary><see cref="Device"/> parsed.</summary>
    public Kernels.KernelDevice KernelDevice => Kernels.BlockKernels.ParseDevice(Device);

    /// <summary>
    /// Registers the <c>Dataflow:ML</c> section with the engine's options registry, so that its keys are accepted,
    /// validated and listed by <c>--help</c>. Call it before options are loaded; calling it again does nothing.
    /// </summary>
    public static void Register() => OptionsRegistry.RegisterSection(SectionName, new MLOptionsValidator());

    /// <summary>The <c>Dataflow:ML</c> values a context was created with (the defaults when none were set).</summary>
    /// <param name="context">The context.</param>
    public static MLOptions From(DataflowContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Register();
        return context.Options.Section<MLOptions>();
    }
}
