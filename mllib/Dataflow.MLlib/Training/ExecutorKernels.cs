using Dataflow.Execution;
using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Training;

/// <summary>
/// Kernels chosen by <see cref="KernelDevice"/> and created once per executor: set an estimator's <c>Kernels</c> to
/// one of these to train on a GPU (or ILGPU's CPU accelerator). Only the device name travels with the tasks; the
/// kernels themselves (accelerator, compiled kernels, device-resident blocks) live in the executor's
/// <see cref="TaskContext.ExecutorLocals"/>, shared by its tasks and disposed with the application.
/// </summary>
/// <remarks>
/// Outside a task (on the driver) the kernels come from a per-instance copy created on first use, which is not
/// disposed (the driver runs the kernels only in local mode through tasks, so this is a fallback, not the path).
/// </remarks>
public sealed class ExecutorKernels : IBlockKernels
{
    private IBlockKernels? _outsideTasks;

    /// <summary>Kernels for <paramref name="device"/>.</summary>
    public ExecutorKernels(KernelDevice device) => Device = device;

    /// <summary>Where the kernels run.</summary>
    public KernelDevice Device { get; }

    /// <inheritdoc/>
    public string Name => Resolve().Name;

    /// <inheritdoc/>
    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
        => Resolve().BinaryLogistic(block, coefficients, intercept, gradient, rows);

    /// <inheritdoc/>
    public double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null)
        => Resolve().Multinomial(block, coefficients, intercepts, gradient, rows);

    /// <inheritdoc/>
    public double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
        => Resolve().LeastSquares(block, coefficients, intercept, gradient, rows);

    /// <inheritdoc/>
    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts)
        => Resolve().KMeansAssign(block, centers, centerNorms, sums, counts);

    /// <inheritdoc/>
    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances)
        => Resolve().NearestCenters(block, centers, centerNorms, nearest, squaredDistances);

    /// <inheritdoc/>
    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
        => Resolve().Margins(block, coefficients, intercepts, margins);

    private IBlockKernels Resolve()
    {
        var device = Device;
        if (TaskContext.Current is { } task)
            return task.ExecutorLocals.GetOrAdd("Dataflow.MLlib.Kernels:" + BlockKernels.Format(device), () => BlockKernels.Create(device));
        return LazyInitializer.EnsureInitialized(ref _outsideTasks, () => BlockKernels.Create(device));
    }
}
