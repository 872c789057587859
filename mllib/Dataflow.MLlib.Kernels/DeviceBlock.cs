using ILGPU;
using ILGPU.Runtime;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// An <see cref="InstanceBlock"/>'s arrays on an accelerator, uploaded once and reused by every call on that block
/// (the block's arrays are never written after it is built, so the copy cannot go stale). CSR blocks also get a CSC
/// copy of their entries, which the gradient and sums kernels gather down columns.
/// </summary>
internal sealed class DeviceBlock : IDisposable
{
    private readonly List<MemoryBuffer> _buffers = [];

    public DeviceBlock(Accelerator accelerator, InstanceBlock block)
    {
        Values = Upload(accelerator, block.Values);
        Labels = Upload(accelerator, block.Labels);
        Norms = Upload(accelerator, block.Norms);
        if (block.IsSparse)
        {
            Offsets = Upload(accelerator, block.RowOffsets);
            Indices = Upload(accelerator, block.Indices);
            var (columnOffsets, entryRows, entryValues) = Transpose(block);
            ColumnOffsets = Upload(accelerator, columnOffsets);
            EntryRows = Upload(accelerator, entryRows);
            EntryValues = Upload(accelerator, entryValues);
        }
        else
        {
            Offsets = Indices = ColumnOffsets = EntryRows = Upload(accelerator, Array.Empty<int>());
            EntryValues = Values;
        }
    }

    /// <summary>Bytes copied to the device for this block.</summary>
    public long Bytes { get; private set; }

    public ArrayView<float> Values { get; }

    public ArrayView<double> Labels { get; }

    public ArrayView<double> Norms { get; }

    public ArrayView<int> Offsets { get; }

    public ArrayView<int> Indices { get; }

    public ArrayView<int> ColumnOffsets { get; }

    public ArrayView<int> EntryRows { get; }

    public ArrayView<float> EntryValues { get; }

    public void Dispose()
    {
        foreach (var buffer in _buffers)
            buffer.Dispose();
        _buffers.Clear();
    }

    // The CSC form of a CSR block: per column, its entries in ascending row order.
    private static (int[] ColumnOffsets, int[] EntryRows, float[] EntryValues) Transpose(InstanceBlock block)
    {
        var columnOffsets = new int[block.Features + 1];
        foreach (var j in block.Indices)
            columnOffsets[j + 1]++;
        for (var j = 0; j < block.Features; j++)
            columnOffsets[j + 1] += columnOffsets[j];
        var next = (int[])columnOffsets.Clone();
        var entryRows = new int[block.Indices.Length];
        var entryValues = new float[block.Indices.Length];
        for (var r = 0; r < block.Rows; r++)
        {
            for (var p = block.RowOffsets[r]; p < block.RowOffsets[r + 1]; p++)
            {
                var at = next[block.Indices[p]]++;
                entryRows[at] = r;
                entryValues[at] = block.Values[p];
            }
        }

        return (columnOffsets, entryRows, entryValues);
    }

    // At least one element: an empty array still gets a (never read) buffer, so every view is valid to pass.
    private ArrayView<T> Upload<T>(Accelerator accelerator, T[] data)
        where T : unmanaged
    {
        var buffer = accelerator.Allocate1D<T>(Math.Max(1, data.Length));
        _buffers.Add(buffer);
        if (data.Length > 0)
        {
            buffer.View.SubView(0, data.Length).CopyFromCPU(data);
            Bytes += (long)data.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        }

        return buffer.View;
    }
}
