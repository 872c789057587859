using System.Runtime.CompilerServices;
using ILGPU.Runtime;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The device copies of training blocks on one accelerator, within a memory budget: a block is uploaded on first
/// use and stays resident while the resident blocks fit the budget; a block that does not fit goes into the one
/// streaming slot, replacing the block there, and is uploaded again when it comes round again (so with a budget
/// of one block and three blocks, each pass uploads two). Not thread-safe: used under the kernels' lock.
/// </summary>
/// <remarks>
/// Copies are keyed by the block object (a <see cref="ConditionalWeakTable{TKey, TValue}"/>, so a copy never keeps
/// its block alive). When a block is collected (its RDD was unpersisted, or the cache evicted it), the next upload
/// frees its device copy and gives its bytes back to the budget; <see cref="Dispose"/> frees everything.
/// </remarks>
internal sealed class ResidentBlocks(Accelerator accelerator, long budget) : IDisposable
{
    private readonly ConditionalWeakTable<InstanceBlock, DeviceBlock> _resident = new();
    private readonly List<(WeakReference<InstanceBlock> Block, DeviceBlock Device)> _order = [];
    private InstanceBlock? _streamedBlock;
    private DeviceBlock? _streamed;

    /// <summary>The budget in bytes.</summary>
    public long Budget { get; } = budget;

    /// <summary>Bytes of the resident copies (the streaming slot not included).</summary>
    public long ResidentBytes { get; private set; }

    /// <summary>Blocks resident now.</summary>
    public int ResidentCount => _order.Count;

    /// <summary>
    /// The device copy of <paramref name="block"/>; <paramref name="uploaded"/> is the bytes copied now (0 when it was
    /// already on the device).
    /// </summary>
    public DeviceBlock Get(InstanceBlock block, out long uploaded)
    {
        uploaded = 0;
        if (_resident.TryGetValue(block, out var device))
            return device;
        if (ReferenceEquals(block, _streamedBlock))
            return _streamed!;
        Purge();
        device = new DeviceBlock(accelerator, block);
        uploaded = device.Bytes;
        if (ResidentBytes + device.Bytes <= Budget)
        {
            _resident.Add(block, device);
            _order.Add((new WeakReference<InstanceBlock>(block), device));
            ResidentBytes += device.Bytes;
            return device;
        }

        _streamed?.Dispose();
        _streamed = device;
        _streamedBlock = block;
        return device;
    }

    /// <summary>Starts a kernel call: the streamed copy made during it is freed when the returned scope is disposed.</summary>
    public CallScope BeginCall() => new(this);

    public void Dispose()
    {
        foreach (var (_, device) in _order)
            device.Dispose();
        _order.Clear();
        _resident.Clear();
        _streamed?.Dispose();
        _streamed = null;
        _streamedBlock = null;
        ResidentBytes = 0;
    }

    private void EndCall()
    {
        _streamed?.Dispose();
        _streamed = null;
        _streamedBlock = null;
    }

    /// <summary>The scope of one kernel call (see <see cref="BeginCall"/>).</summary>
    internal readonly struct CallScope(ResidentBlocks owner) : IDisposable
    {
        public void Dispose() => owner.EndCall();
    }

    // Frees the copies of blocks that were collected.
    private void Purge()
    {
        for (var i = _order.Count - 1; i >= 0; i--)
        {
            if (!_order[i].Block.TryGetTarget(out _))
            {
                ResidentBytes -= _order[i].Device.Bytes;
                _order[i].Device.Dispose();
                _order.RemoveAt(i);
            }
        }
    }
}
