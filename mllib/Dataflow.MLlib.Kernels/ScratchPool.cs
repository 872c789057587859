using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// Device scratch buffers reused across calls: the ILGPU kernels rent one per intermediate (margins, losses,
/// partials, the model) and return it when the call ends, so after the first iterations a pass allocates nothing on
/// the device. Not thread-safe: the kernels use it under their lock, one pool per accelerator.
/// </summary>
/// <remarks>Sizes are rounded up (to a power of two below 1 Mi elements, else to a multiple of 1 Mi) so that calls
/// with slightly different shapes share buffers; a free buffer of the element type with room enough is taken,
/// the smallest first.</remarks>
internal sealed class ScratchPool(Accelerator accelerator) : IDisposable
{
    private const long Mi = 1 << 20;
    private readonly List<MemoryBuffer> _free = [];
    private readonly List<MemoryBuffer> _all = [];

    /// <summary>Device allocations made so far (each buffer once).</summary>
    public long Allocations { get; private set; }

    /// <summary>Bytes held by the pool's buffers.</summary>
    public long Bytes { get; private set; }

    public ScratchBuffer<T> Rent<T>(long length)
        where T : unmanaged
    {
        length = Math.Max(1, length);
        var best = -1;
        for (var i = 0; i < _free.Count; i++)
        {
            if (_free[i] is MemoryBuffer1D<T, Stride1D.Dense> candidate && candidate.Length >= length
                && (best < 0 || candidate.Length < _free[best].Length))
                best = i;
        }

        MemoryBuffer1D<T, Stride1D.Dense> buffer;
        if (best >= 0)
        {
            buffer = (MemoryBuffer1D<T, Stride1D.Dense>)_free[best];
            _free.RemoveAt(best);
        }
        else
        {
            var size = length < Mi ? (long)BitOperations.RoundUpToPowerOf2((ulong)length) : ((length + Mi - 1) / Mi) * Mi;
            buffer = accelerator.Allocate1D<T>(size);
            _all.Add(buffer);
            Allocations++;
            Bytes += buffer.LengthInBytes;
        }

        return new ScratchBuffer<T>(this, buffer, length);
    }

    public void Return(MemoryBuffer buffer) => _free.Add(buffer);

    public void Dispose()
    {
        foreach (var buffer in _all)
            buffer.Dispose();
        _all.Clear();
        _free.Clear();
        Bytes = 0;
    }
}

/// <summary>A rented scratch buffer: <see cref="View"/> is exactly the length asked for; disposing returns it to the pool.</summary>
internal readonly struct ScratchBuffer<T>(ScratchPool pool, MemoryBuffer1D<T, Stride1D.Dense> buffer, long length) : IDisposable
    where T : unmanaged
{
    public long Length { get; } = length;

    public ArrayView<T> View => buffer.View.SubView(0, Length);

    public void Dispose() => pool.Return(buffer);
}
