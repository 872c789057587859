using Dataflow.MLlib.Kernels;

namespace Dataflow.Examples.PsExperiment;

/// <summary>The run's settings, from the command line.</summary>
/// <remarks><see cref="MaxSeconds"/>: each mode's training stops after this much wall time (null: none);
/// <see cref="RowNonZeros"/>: synthetic non-zeros per row, overriding <see cref="Sparsity"/> (null: from the sparsity);
/// <see cref="Device"/>: where the kernels run, resolved on the driver (<see cref="DeviceDescription"/> says what ran).</remarks>
internal sealed record Settings(
    IReadOnlyList<ModeSpec> Modes,
    int Workers,
    string Data,
    int Rows,
    int Features,
    double Sparsity,
    int Clocks,
    int EvalEvery,
    long Seed,
    IReadOnlyList<StragglerSpec> Stragglers,
    double? TargetObjective,
    string Updater,
    double Step,
    double BatchFraction,
    double RegParam,
    string Out,
    double? MaxSeconds = null,
    int? RowNonZeros = null,
    KernelDevice Device = KernelDevice.Cpu,
    string DeviceDescription = "simd (managed SIMD kernels on the CPU)",
    long DeviceMemory = 0);
