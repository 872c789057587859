using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using K = Dataflow.MLlib.Kernels.IlgpuKernelBodies;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The <see cref="IBlockKernels"/> on an ILGPU accelerator: a CUDA GPU ("ilgpu-cuda") or ILGPU's CPU accelerator
/// ("ilgpu-cpu", an emulator of the GPU's execution model, slow, for tests on small data).
/// </summary>
/// <remarks>
/// <para>
/// <b>Device-resident blocks.</b> The first call on a block uploads its arrays (and, for CSR, a CSC copy) and keeps
/// them on the device, keyed by the block object (a <see cref="ConditionalWeakTable{TKey, TValue}"/>: the copy lives
/// while the block does, and at the latest until <see cref="Dispose"/>); every later call moves only the model up and
/// the partial results down. Blocks stay resident while they fit <see cref="MemoryBudget"/>; the others stream
/// through one slot, uploaded each time they come round. <see cref="BlockUploads"/>, <see cref="BytesUploaded"/> and
/// <see cref="BytesDownloaded"/> count the traffic, and <see cref="DeviceTransfers"/> counts it per calling thread.
/// </para>
/// <para>
/// <b>Scratch.</b> Intermediates (margins, per-row losses, partials, the model's copy) live in device buffers that
/// are reused from call to call (<see cref="ScratchAllocations"/> stops growing once each shape has been seen).
/// </para>
/// <para>
/// <b>Reductions.</b> All kernels are explicitly grouped (see <see cref="IlgpuKernelBodies"/>): the gradient and
/// the k-means sums are computed one output entry per thread over a chunk of rows, one partial per group and chunk;
/// the loss and cost by a shared-memory tree per group. No atomics; the host adds the partials in float64, so results
/// are deterministic.
/// </para>
/// <para>
/// <b>Precision.</b> Everything on the device is float64, the exp and log of the losses included, so the results
/// match the managed kernels to float64 rounding (the contract's 1e-6 relative). float32 transcendentals were
/// considered (without LibDevice, XMath's float64 exp and log run in software on CUDA): they are evaluated once per
/// row (once per row and class for softmax), against d multiply-adds per row and class for the margins and again for
/// the gradient, so at the widths of interest (d ≥ 100) float64 costs a few percent of a pass, while float32 would
/// lose the loss of confident rows (log(1 + e^−40) ≈ 4e-18 is below float32's range of interest) and could not meet
/// 1e-6. Row subsets (<c>rows</c>) are passed as per-row weights (how often each row occurs), so a mini-batch still
/// reads the whole block.
/// </para>
/// <para>
/// <b>Threads.</b> ILGPU accelerators and streams are not free-threaded: every call takes a lock on this instance,
/// so one instance may be shared by several task threads (they take turns). Kernels are compiled once, when the
/// instance is created.
/// </para>
/// </remarks>
public sealed class IlgpuKernels : IBlockKernels, IDisposable
{
    // Launch shapes: the CPU accelerator runs each group's threads as OS threads, so few groups there.
    private const int MinChunkRows = 256;

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Lock _gate = new();
    private readonly ResidentBlocks _resident;
    private readonly ScratchPool _scratch;
    private readonly int _maxGroups;
    private readonly int _maxChunks;
    private readonly int _groupSize;

    private readonly Action<KernelConfig, ArrayView<float>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<double>> _denseMargins;
    private readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<double>> _sparseMargins;
    private readonly Action<KernelConfig, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>> _logisticRows;
    private readonly Action<KernelConfig, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>> _squaresRows;
    private readonly Action<KernelConfig, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int, ArrayView<double>> _softmaxRows;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<double>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<int>, ArrayView<double>, ArrayView<double>, int> _denseNearest;
    private readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<double>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<int>, ArrayView<double>, ArrayView<double>, int> _sparseNearest;
    private readonly Action<KernelConfig, ArrayView<float>, int, int, ArrayView<double>, int, int, int, ArrayView<double>> _denseAccumulate;
    private readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, ArrayView<double>, int, ArrayView<double>> _sparseAccumulate;
    private readonly Action<KernelConfig, ArrayView<double>, int, ArrayView<double>> _sum;

    private long _blockUploads;
    private long _bytesUploaded;
    private long _bytesDownloaded;
    private bool _disposed;

    private IlgpuKernels(Context context, Accelerator accelerator, string name, DeviceOptions options)
    {
        _context = context;
        _accelerator = accelerator;
        Name = name;
        if (options.MemoryBudget is < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MemoryBudget, "The device memory budget must be 0 or more bytes.");
        MemoryBudget = options.MemoryBudget ?? (long)(accelerator.MemorySize * 0.8);
        _resident = new ResidentBlocks(accelerator, MemoryBudget);
        _scratch = new ScratchPool(accelerator);
        // The largest power of two up to K.GroupSize that the accelerator allows (ILGPU's CPU accelerator: 16).
        _groupSize = K.GroupSize;
        while (_groupSize > accelerator.MaxNumThreadsPerGroup)
            _groupSize /= 2;
        var cpu = accelerator.AcceleratorType == AcceleratorType.CPU;
        _maxGroups = cpu ? 4 : 4 * Math.Max(1, accelerator.NumMultiprocessors) * 8;
        _maxChunks = cpu ? 2 : 64;
        _denseMargins = accelerator.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<double>>(K.DenseMargins);
        _sparseMargins = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<double>>(K.SparseMargins);
        _logisticRows = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>>(K.LogisticRows);
        _squaresRows = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>>(K.SquaresRows);
        _softmaxRows = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int, ArrayView<double>>(K.SoftmaxRows);
        _denseNearest = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<double>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<int>, ArrayView<double>, ArrayView<double>, int>(K.DenseNearest);
        _sparseNearest = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<double>, int, int, ArrayView<double>, ArrayView<double>, int, ArrayView<int>, ArrayView<double>, ArrayView<double>, int>(K.SparseNearest);
        _denseAccumulate = accelerator.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<double>, int, int, int, ArrayView<double>>(K.DenseAccumulate);
        _sparseAccumulate = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, ArrayView<double>, int, ArrayView<double>>(K.SparseAccumulate);
        _sum = accelerator.LoadStreamKernel<ArrayView<double>, int, ArrayView<double>>(K.Sum);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The accelerator's own name (the GPU's model, or ILGPU's CPU accelerator).</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>The bytes resident blocks may take (<see cref="DeviceOptions.MemoryBudget"/>).</summary>
    public long MemoryBudget { get; }

    /// <summary>Blocks resident on the device now, and their bytes.</summary>
    public (int Blocks, long Bytes) ResidentBlocks
    {
        get
        {
            lock (_gate)
                return (_resident.ResidentCount, _resident.ResidentBytes);
        }
    }

    /// <summary>Device scratch allocations so far: constant once every shape has been seen (buffers are reused).</summary>
    public long ScratchAllocations
    {
        get
        {
            lock (_gate)
                return _scratch.Allocations;
        }
    }

    /// <summary>Blocks uploaded to the device so far (each once while it stays resident; streamed blocks every time).</summary>
    public long BlockUploads => Interlocked.Read(ref _blockUploads);

    /// <summary>Bytes copied to the device: blocks, models and row weights.</summary>
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    /// <summary>Bytes copied back: partial results and per-row answers.</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytesDownloaded);

    /// <summary>The kernels on ILGPU's CPU accelerator (an emulator: tests and small data only).</summary>
    public static IlgpuKernels CreateCpu() => CreateCpu(DeviceOptions.Default);

    /// <summary>The kernels on ILGPU's CPU accelerator with <paramref name="options"/>.</summary>
    public static IlgpuKernels CreateCpu(DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var context = Context.Create(b => b.CPU(CPUDeviceKind.Default).EnableAlgorithms());
        try
        {
            return new IlgpuKernels(context, context.GetCPUDevice(0).CreateAccelerator(context), "ilgpu-cpu", options);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The kernels on the first CUDA device ILGPU finds, or null with <paramref name="reason"/> saying why there is
    /// none (no device, or what the CUDA runtime reported).
    /// </summary>
    public static IlgpuKernels? TryCreateCuda(out string reason) => TryCreateCuda(DeviceOptions.Default, out reason);

    /// <summary>
    /// Whether ILGPU finds a CUDA device, without compiling kernels: the first device's name, or null and what ILGPU
    /// reported (no device, or the CUDA runtime's error).
    /// </summary>
    public static (string? DeviceName, string Reason) ProbeCuda()
    {
        try
        {
            using var context = Context.Create(b => b.Cuda());
            var devices = context.GetCudaDevices();
            return devices.Count == 0
                ? (null, "ILGPU found no CUDA device (no NVIDIA GPU, or no NVIDIA driver).")
                : (devices[0].Name, "");
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return (null, $"ILGPU could not use CUDA: {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary><see cref="TryCreateCuda(out string)"/> with <paramref name="options"/>.</summary>
    public static IlgpuKernels? TryCreateCuda(DeviceOptions options, out string reason)
    {
        ArgumentNullException.ThrowIfNull(options);
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                reason = "ILGPU found no CUDA device (no NVIDIA GPU, or no NVIDIA driver).";
                context.Dispose();
                return null;
            }

            reason = "";
            return new IlgpuKernels(context, devices[0].CreateAccelerator(context), "ilgpu-cuda", options);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            reason = $"ILGPU could not use CUDA: {error.GetType().Name}: {error.Message}";
            context?.Dispose();
            return null;
        }
    }

    /// <inheritdoc/>
    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        KernelChecks.Linear(nameof(BinaryLogistic), block, coefficients, gradient, rows);
        KernelChecks.BinaryLabels(nameof(BinaryLogistic), block, rows);
        return LinearModel(block, coefficients, [intercept], RowLoss.Logistic, gradient, rows);
    }

    /// <inheritdoc/>
    public double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        KernelChecks.Linear(nameof(LeastSquares), block, coefficients, gradient, rows);
        return LinearModel(block, coefficients, [intercept], RowLoss.Squares, gradient, rows);
    }

    /// <inheritdoc/>
    public double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null)
    {
        KernelChecks.Multinomial(block, coefficients, intercepts, gradient, rows);
        return LinearModel(block, coefficients, intercepts, RowLoss.Softmax, gradient, rows);
    }

    /// <inheritdoc/>
    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts)
    {
        KernelChecks.KMeansAssign(block, centers, centerNorms, sums, counts);
        if (block.Rows == 0)
            return 0;
        lock (_gate)
        {
            using var call = _resident.BeginCall();
            var n = block.Rows;
            var k = centerNorms.Length;
            var d = block.Features;
            using var multipliers = Scratch<double>((long)n * k);
            using var nearest = Scratch<int>(n);
            using var distances = Scratch<double>(n);
            Nearest(block, centers, centerNorms, nearest, distances, multipliers, accumulate: true);
            var totals = Accumulate(block, multipliers, k);
            for (var c = 0; c < k; c++)
            {
                var row = (long)c * (d + 1);
                for (var j = 0; j < d; j++)
                    sums[(c * d) + j] += totals[row + j];
                counts[c] += (long)Math.Round(totals[row + d]);
            }

            return Sum(distances, n);
        }
    }

    /// <inheritdoc/>
    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances)
    {
        KernelChecks.NearestCenters(block, centers, centerNorms, nearest, squaredDistances);
        if (block.Rows == 0)
            return;
        lock (_gate)
        {
            using var call = _resident.BeginCall();
            using var best = Scratch<int>(block.Rows);
            using var distances = Scratch<double>(block.Rows);
            Nearest(block, centers, centerNorms, best, distances, distances.View, accumulate: false);
            Download(best).CopyTo(nearest);
            Download(distances).CopyTo(squaredDistances);
        }
    }

    /// <inheritdoc/>
    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
    {
        KernelChecks.Margins(block, coefficients, intercepts, margins);
        if (block.Rows == 0)
            return;
        lock (_gate)
        {
            using var call = _resident.BeginCall();
            using var m = Scratch<double>((long)block.Rows * intercepts.Length);
            ComputeMargins(block, coefficients, intercepts, m);
            Download(m).CopyTo(margins);
        }
    }

    /// <summary>Frees the device copies of every block, the compiled kernels, the accelerator and the ILGPU context.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _resident.Dispose();
            _scratch.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }

    private enum RowLoss
    {
        Logistic,
        Squares,
        Softmax,
    }

    // Margins, the per-row loss and multipliers, then the gradient: K × d coefficient entries and K intercepts (for
    // the binary models K = 1, which is the layout "d coefficients, intercept last").
    private double LinearModel(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, RowLoss kind, Span<double> gradient, int[]? rows)
    {
        if (block.Rows == 0 || rows is { Length: 0 })
            return 0;
        lock (_gate)
        {
            using var call = _resident.BeginCall();
            var n = block.Rows;
            var k = intercepts.Length;
            var d = block.Features;
            var device = Resident(block);
            using var s = Scratch<double>((long)n * k);
            using var losses = Scratch<double>(n);
            using var weights = rows is null ? Scratch<double>(1) : Upload(RowWeights(rows, n));
            ComputeMargins(block, coefficients, intercepts, s);
            var weighted = rows is null ? 0 : 1;
            var config = Config(n);
            switch (kind)
            {
                case RowLoss.Logistic:
                    _logisticRows(config, s.View, device.Labels, weights.View, weighted, n, losses.View);
                    break;
                case RowLoss.Squares:
                    _squaresRows(config, s.View, device.Labels, weights.View, weighted, n, losses.View);
                    break;
                default:
                    _softmaxRows(config, s.View, device.Labels, weights.View, weighted, n, k, losses.View);
                    break;
            }

            var totals = Accumulate(block, s, k);
            for (var c = 0; c < k; c++)
            {
                var row = (long)c * (d + 1);
                for (var j = 0; j < d; j++)
                    gradient[(c * d) + j] += totals[row + j];
                gradient[(k * d) + c] += totals[row + d];
            }

            return Sum(losses, n);
        }
    }

    private void ComputeMargins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, ScratchBuffer<double> m)
    {
        var device = Resident(block);
        var k = intercepts.Length;
        using var w = Upload(coefficients);
        using var b = Upload(intercepts);
        var config = Config((long)block.Rows * k);
        if (block.IsSparse)
            _sparseMargins(config, device.Offsets, device.Indices, device.Values, block.Rows, block.Features, w.View, b.View, k, m.View);
        else
            _denseMargins(config, device.Values, block.Rows, block.Features, w.View, b.View, k, m.View);
    }

    private void Nearest(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, ScratchBuffer<int> nearest, ScratchBuffer<double> distances, ArrayView<double> multipliers, bool accumulate)
    {
        var device = Resident(block);
        var k = centerNorms.Length;
        using var c = Upload(centers);
        using var cn = Upload(centerNorms);
        var config = Config(block.Rows);
        var flag = accumulate ? 1 : 0;
        if (block.IsSparse)
            _sparseNearest(config, device.Offsets, device.Indices, device.Values, device.Norms, block.Rows, block.Features, c.View, cn.View, k, nearest.View, distances.View, multipliers, flag);
        else
            _denseNearest(config, device.Values, device.Norms, block.Rows, block.Features, c.View, cn.View, k, nearest.View, distances.View, multipliers, flag);
    }

    private void Nearest(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, ScratchBuffer<int> nearest, ScratchBuffer<double> distances, ScratchBuffer<double> multipliers, bool accumulate)
        => Nearest(block, centers, centerNorms, nearest, distances, multipliers.View, accumulate);

    // Σ_r s[r, c] · x[r, j] for every class c and feature j (j = d: Σ_r s[r, c]), as K × (d + 1) float64 totals.
    private double[] Accumulate(InstanceBlock block, ScratchBuffer<double> s, int k)
    {
        var device = Resident(block);
        var n = block.Rows;
        var d = block.Features;
        var total = (long)k * (d + 1);
        if (block.IsSparse)
        {
            using var partial = Scratch<double>(total);
            _sparseAccumulate(Config(total), device.ColumnOffsets, device.EntryRows, device.EntryValues, n, d, s.View, k, partial.View);
            return Download(partial);
        }

        var tiles = (int)((total + _groupSize - 1) / _groupSize);
        var rowsPerChunk = Math.Max(MinChunkRows, (n + _maxChunks - 1) / _maxChunks);
        var chunks = (n + rowsPerChunk - 1) / rowsPerChunk;
        using var partials = Scratch<double>(chunks * total);
        _denseAccumulate(new KernelConfig(tiles * chunks, _groupSize), device.Values, n, d, s.View, k, tiles, rowsPerChunk, partials.View);
        var all = Download(partials);
        var sums = new double[total];
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            for (var e = 0L; e < total; e++)
                sums[e] += all[(chunk * total) + e];
        }

        return sums;
    }

    private double Sum(ScratchBuffer<double> values, int count)
    {
        var config = Config(count);
        using var partials = Scratch<double>(config.GridDim.X);
        _sum(config, values.View, count, partials.View);
        var sum = 0.0;
        foreach (var partial in Download(partials))
            sum += partial;
        return sum;
    }

    private DeviceBlock Resident(InstanceBlock block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var device = _resident.Get(block, out var uploaded);
        if (uploaded > 0)
            Count(1, uploaded, 0);
        return device;
    }

    private void Count(long blocks, long up, long down)
    {
        Interlocked.Add(ref _blockUploads, blocks);
        Interlocked.Add(ref _bytesUploaded, up);
        Interlocked.Add(ref _bytesDownloaded, down);
        DeviceTransfers.Add(blocks, up, down);
    }

    // How often each row of the block occurs in the (ascending) row list.
    private static double[] RowWeights(int[] rows, int n)
    {
        var weights = new double[n];
        foreach (var r in rows)
            weights[r]++;
        return weights;
    }

    private KernelConfig Config(long work)
    {
        var groups = (int)Math.Clamp((work + _groupSize - 1) / _groupSize, 1, _maxGroups);
        return new KernelConfig(groups, _groupSize);
    }

    private ScratchBuffer<T> Scratch<T>(long length)
        where T : unmanaged
        => _scratch.Rent<T>(length);

    private ScratchBuffer<T> Upload<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        var buffer = Scratch<T>(data.Length);
        if (!data.IsEmpty)
        {
            buffer.View.CopyFromCPU(_accelerator.DefaultStream, data);
            Count(0, (long)data.Length * Unsafe.SizeOf<T>(), 0);
        }

        return buffer;
    }

    private T[] Download<T>(ScratchBuffer<T> buffer)
        where T : unmanaged
    {
        var data = new T[buffer.Length];
        buffer.View.CopyToCPU(data);
        Count(0, 0, data.Length * (long)Unsafe.SizeOf<T>());
        return data;
    }
}
