using System.Runtime.CompilerServices;
using Dataflow.Configuration;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Data;

/// <summary>
/// Packs points into the <see cref="InstanceBlock"/>s the kernels run over, and reads blocks back as points.
/// </summary>
/// <remarks>
/// <para><b>Layout.</b> Each partition becomes one block, or several when its feature data passes
/// <c>Dataflow:ML:MaxBlockSize</c> (<see cref="MLOptions.MaxBlockSize"/>, 256 MiB by default), so no array of a
/// block is larger than that. Values become float32 (labels and norms stay float64).</para>
/// <para><b>Dense or CSR.</b> A block is stored as CSR when that is smaller than dense, i.e. when
/// <c>8·nnz + 4·(rows + 1) &lt; 4·rows·features</c> — roughly, when fewer than half its entries are non-zero — and
/// dense row-major otherwise; so dense data (CSV) gives dense blocks and sparse data (LIBSVM with many features) CSR
/// blocks. Zeros are never stored in CSR. This is Spark's rule for a block's matrix (the smaller storage).</para>
/// <para><b>Memory.</b> Rows are copied into the block's buffers as they stream from the parent, so packing holds
/// at most about two blocks' worth of arrays at once (a buffer and its final copy), not the partition's points.</para>
/// <para><b>Reuse.</b> Persist the result (<c>blocks.Persist(StorageLevel.MemoryOnly)</c>, or <c>MemoryAndDisk</c>)
/// and reuse it every iteration; blocks round-trip through the record serialiser for disk and cluster caches.</para>
/// <para>Spark: InstanceBlock.blokifyWithMaxMemUsage</para>
/// </remarks>
/// <example><code>
/// var classes = await ClassIndex.FitAsync(points, cancellationToken: ct);
/// var blocks = points.ToBlocks(classes).Persist(StorageLevel.MemoryAndDisk);
/// </code></example>
public static class InstanceBlocks
{
    /// <summary>
    /// The points of each partition packed into blocks. With <paramref name="classes"/> the block labels are class
    /// indices 0..K−1 (classification); without, the labels as they are (regression, clustering). Lazy: packing runs in
    /// the tasks of the first job that reads the result.
    /// </summary>
    /// <param name="points">The points; every row needs the same feature count.</param>
    /// <param name="classes">The classes labels map to, or null to keep labels.</param>
    /// <param name="maxBlockBytes">The most feature data per block; null reads <c>Dataflow:ML:MaxBlockSize</c> from the
    /// context's options. From 1 KiB to 2 GiB.</param>
    /// <param name="numFeatures">The feature count every row must have, or null for the first row's.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The blocks; their tasks fail with an <see cref="ArgumentException"/> naming the row on a feature count
    /// mismatch, a label that is not a class, or a value beyond float32's range.</returns>
    public static Rdd<InstanceBlock> ToBlocks(this Rdd<LabeledPoint> points, ClassIndex? classes = null, long? maxBlockBytes = null,
        int? numFeatures = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var maxBytes = maxBlockBytes ?? MLOptions.From(points.Context).MaxBlockSize.Bytes;
        if (maxBytes < MLOptionsValidator.Smallest.Bytes || maxBytes > MLOptionsValidator.Largest.Bytes)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBlockBytes), maxBytes,
                $"A block's size limit must be from {MLOptionsValidator.Smallest} to {MLOptionsValidator.Largest} (Dataflow:ML:MaxBlockSize).");
        }

        if (numFeatures is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "The feature count must be ≥ 0.");
        }

        var labels = classes?.Labels;
        return points.SelectPartitions((index, rows) => BlockPacker.Pack(index, rows, maxBytes, labels, numFeatures), false,
            callerFile, callerLine);
    }

    /// <summary>
    /// The rows of a block as points (values widened from float32): dense blocks give dense vectors, CSR blocks
    /// sparse ones. With <paramref name="classes"/> the class indices become label values again.
    /// </summary>
    /// <param name="block">A block.</param>
    /// <param name="classes">The classes the block was packed with, or null to return the block's labels.</param>
    public static IEnumerable<LabeledPoint> ToPoints(this InstanceBlock block, ClassIndex? classes = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        for (var i = 0; i < block.Rows; i++)
        {
            var label = classes is null ? block.Labels[i] : classes.LabelOf((int)block.Labels[i]);
            Vector features;
            if (block.IsSparse)
            {
                var (start, end) = (block.RowOffsets[i], block.RowOffsets[i + 1]);
                features = new SparseVector(block.Features, block.Indices[start..end], Widen(block.Values.AsSpan(start, end - start)));
            }
            else
            {
                features = new DenseVector(Widen(block.Values.AsSpan(i * block.Features, block.Features)));
            }

            yield return new LabeledPoint(label, features);
        }
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
