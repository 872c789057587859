using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dataflow.MLlib.Kernels;

// The binary linear models (logistic, least squares): one margin per row, one gradient vector.
public sealed partial class SimdKernels
{
    // Rows per chunk of the dense pass: 32 rows of 100 floats are 12.8 KB, well inside L1 (48 KB here).
    private const int Chunk = 32;

    // How far ahead the dense pass prefetches, four rows between each four margins (spread out, not a burst per
    // chunk, which would fill the line-fill buffers and stall): without it one thread read at ~4.5 GB/s, with it ~6.
    private const int PrefetchAhead = 64;

    // Per chunk of up to 32 rows, three phases: the margins, four rows at a time (the four share each load of w);
    // the losses and their derivatives, four rows per vector; the gradient update, which reads the same rows again
    // from L1 and loads and stores each gradient vector once for four rows. Keeping the phases apart lets the
    // exp-log chains of eight groups overlap: fused per group of four, each update waited out its own chain
    // (58 → 40 ns a row at d = 100, data in L2).
    private static double DenseLinear<TLoss>(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows)
        where TLoss : struct, IMarginLoss
    {
        var count = rows?.Length ?? block.Rows;
        var d = block.Features;
        var labels = block.Labels;
        ref var x = ref MemoryMarshal.GetArrayDataReference(block.Values);
        ref var w = ref MemoryMarshal.GetReference(coefficients);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        Span<double> margins = stackalloc double[Chunk];
        Span<double> derivatives = stackalloc double[Chunk];
        var loss = 0.0;
        var interceptGradient = 0.0;
        var i = 0;
        while (i + 4 <= count)
        {
            var chunk = Math.Min(Chunk, (count - i) & ~3);
            for (var q = 0; q < chunk; q += 4)
            {
                DenseRowOps.Prefetch(ref x, rows, i + q + PrefetchAhead, Math.Min(4, count - i - q - PrefetchAhead), d);
                DenseRowOps.Dot4Rows(
                    ref RowRef(ref x, rows, i + q, d), ref RowRef(ref x, rows, i + q + 1, d), ref RowRef(ref x, rows, i + q + 2, d), ref RowRef(ref x, rows, i + q + 3, d),
                    ref w, d, out margins[q], out margins[q + 1], out margins[q + 2], out margins[q + 3]);
            }

            for (var q = 0; q < chunk; q += 4)
            {
                int r0 = RowAt(rows, i + q), r1 = RowAt(rows, i + q + 1), r2 = RowAt(rows, i + q + 2), r3 = RowAt(rows, i + q + 3);
                if (Vector256.IsHardwareAccelerated)
                {
                    var rowLosses = TLoss.Evaluate4(
                        Vector256.Create(margins[q], margins[q + 1], margins[q + 2], margins[q + 3]) + Vector256.Create(intercept),
                        Vector256.Create(labels[r0], labels[r1], labels[r2], labels[r3]),
                        out var four);
                    loss += Vector256.Sum(rowLosses);
                    four.CopyTo(derivatives[q..]);
                }
                else
                {
                    loss += TLoss.Evaluate(margins[q] + intercept, labels[r0], out derivatives[q])
                        + TLoss.Evaluate(margins[q + 1] + intercept, labels[r1], out derivatives[q + 1])
                        + TLoss.Evaluate(margins[q + 2] + intercept, labels[r2], out derivatives[q + 2])
                        + TLoss.Evaluate(margins[q + 3] + intercept, labels[r3], out derivatives[q + 3]);
                }
            }

            for (var q = 0; q < chunk; q += 4)
            {
                double s0 = derivatives[q], s1 = derivatives[q + 1], s2 = derivatives[q + 2], s3 = derivatives[q + 3];
                DenseRowOps.AddScaled4Rows(
                    ref g, ref RowRef(ref x, rows, i + q, d), ref RowRef(ref x, rows, i + q + 1, d), ref RowRef(ref x, rows, i + q + 2, d), ref RowRef(ref x, rows, i + q + 3, d),
                    s0, s1, s2, s3, d);
                interceptGradient += (s0 + s1) + (s2 + s3);
            }

            i += chunk;
        }

        for (; i < count; i++)
        {
            var r = RowAt(rows, i);
            ref var xr = ref RowRef(ref x, rows, i, d);
            loss += TLoss.Evaluate(DenseRowOps.Dot(ref xr, ref w, d) + intercept, labels[r], out var s);
            DenseRowOps.AddScaled(ref g, ref xr, s, d);
            interceptGradient += s;
        }

        gradient[d] += interceptGradient;
        return loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float RowRef(ref float x, int[]? rows, int i, int d) => ref Unsafe.Add(ref x, (nint)RowAt(rows, i) * d);

    private static double SparseLinear<TLoss>(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows)
        where TLoss : struct, IMarginLoss
    {
        var count = rows?.Length ?? block.Rows;
        var d = block.Features;
        var offsets = block.RowOffsets;
        var weights = gradient[..d];
        var loss = 0.0;
        var interceptGradient = 0.0;
        for (var i = 0; i < count; i++)
        {
            var r = RowAt(rows, i);
            var start = offsets[r];
            var length = offsets[r + 1] - start;
            var indices = block.Indices.AsSpan(start, length);
            var values = block.Values.AsSpan(start, length);
            loss += TLoss.Evaluate(SparseRowOps.Dot(indices, values, coefficients) + intercept, block.Labels[r], out var s);
            SparseRowOps.AddScaled(indices, values, s, weights);
            interceptGradient += s;
        }

        gradient[d] += interceptGradient;
        return loss;
    }
}
