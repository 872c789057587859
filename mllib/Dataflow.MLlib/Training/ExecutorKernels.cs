using Dataflow.Execution;
using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Training;

/// <summary>
/// Kernels chosen by <see cref="KernelDevice"/> and created once per executor: what the estimators use unless their
/// <c>Kernels</c> is set (then with their <c>Device</c>, or <c>Dataflow:ML:Device</c>). Only the device name and the
/// memory budget travel with the tasks; the kernels themselves (accelerator, compiled kernels, scratch buffers,
/// device-resident blocks) live in the executor's <see cref="TaskContext.ExecutorLocals"/>, shared by its tasks and
/// disposed with the application.
/// </summary>
/// <remarks>
/// Outside a task (on the driver) the kernels come from a per-instance copy created on first use, which is not
/// disposed (the driver runs the kernels only in local mode through tasks, so this is a fallback, not the path).
/// </remarks>
public sealed class ExecutorKernels : IBlockKernels
{
    private IBlockKernels? _outsideTasks;

    /// <summary>Kernels for <paramref name="device"/>, with the default device memory budget.</summary>
    public ExecutorKernels(KernelDevice device)
        : this(device, 0)
    {
    }

    /// <summary>Kernels for <paramref name="device"/> keeping at most <paramref name="deviceMemory"/> bytes of blocks resident (0: 80% of the device).</summary>
    public ExecutorKernels(KernelDevice device, long deviceMemory)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceMemory);
        Device = device;
        DeviceMemory = deviceMemory;
    }

    /// <summary>Where the kernels run.</summary>
    public KernelDevice Device { get; }

    /// <summary>The device memory budget of resident blocks in bytes (<c>Dataflow:ML:DeviceMemory</c>; 0: 80% of the device's memory).</summary>
    public long DeviceMemory { get; }

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
    public double MatrixFactorization(InstanceBlock block, int users, int rank, ReadOnlySpan<double> factors, Span<double> gradient, int[]? rows = null)
        => Resolve().MatrixFactorization(block, users, rank, factors, gradient, rows);

    /// <inheritdoc/>
    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts)
        => Resolve().KMeansAssign(block, centers, centerNorms, sums, counts);

    /// <inheritdoc/>
    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances)
        => Resolve().NearestCenters(block, centers, centerNorms, nearest, squaredDistances);

    /// <inheritdoc/>
    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
        => Resolve().Margins(block, coefficients, intercepts, margins);

    /// <summary>
    /// The kernels an estimator runs: <paramref name="kernels"/> when set, else these for <paramref name="device"/> (or
    /// the context's <c>Dataflow:ML:Device</c>) with its <c>Dataflow:ML:DeviceMemory</c>. Checks the device on the
    /// driver first, so <c>gpu</c> without CUDA fails before any job runs.
    /// </summary>
    /// <exception cref="DeviceNotFoundException">The device is <c>gpu</c> and ILGPU finds no CUDA device here.</exception>
    internal static IBlockKernels For(IBlockKernels? kernels, KernelDevice? device, DataflowContext context, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (kernels is not null)
            return kernels;
        var options = MLOptions.From(context);
        var chosen = device ?? options.KernelDevice;
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(logger, "ML kernels: {Kernels} (device {Device}).", BlockKernels.Describe(chosen), BlockKernels.Format(chosen));
        return new ExecutorKernels(chosen, options.DeviceMemory.Bytes);
    }

    private IBlockKernels Resolve()
    {
        var device = Device;
        var options = new DeviceOptions { MemoryBudget = DeviceMemory == 0 ? null : DeviceMemory };
        if (TaskContext.Current is { } task)
        {
            var key = $"Dataflow.MLlib.Kernels:{BlockKernels.Format(device)}:{DeviceMemory}";
            return task.ExecutorLocals.GetOrAdd(key, () => BlockKernels.Create(device, options));
        }

        return LazyInitializer.EnsureInitialized(ref _outsideTasks, () => BlockKernels.Create(device, options));
    }
}
