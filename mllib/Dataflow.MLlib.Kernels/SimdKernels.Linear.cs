using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dataflow.MLlib.Kernels;

// The binary linear models (logistic, least squares): one margin per row, one gradient vector.
public sealed partial class SimdKernels
{
    // Four rows per step: their margins share each load of w, then the gradient update reads the same four rows
    // (still in L1: 4 × 4d bytes) and loads and stores each gradient vector once for the four.
    private static double DenseLinear<TLoss>(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows)
        where TLoss : struct, IMarginLoss
    {
        var count = rows?.Length ?? block.Rows;
        var d = block.Features;
        var labels = block.Labels;
        ref var x = ref MemoryMarshal.GetArrayDataReference(block.Values);
        ref var w = ref MemoryMarshal.GetReference(coefficients);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        var loss = 0.0;
        var interceptGradient = 0.0;
        var i = 0;
        for (; i + 4 <= count; i += 4)
        {
            int r0 = RowAt(rows, i), r1 = RowAt(rows, i + 1), r2 = RowAt(rows, i + 2), r3 = RowAt(rows, i + 3);
            ref var x0 = ref Unsafe.Add(ref x, (nint)r0 * d);
            ref var x1 = ref Unsafe.Add(ref x, (nint)r1 * d);
            ref var x2 = ref Unsafe.Add(ref x, (nint)r2 * d);
            ref var x3 = ref Unsafe.Add(ref x, (nint)r3 * d);
            DenseRowOps.Dot4Rows(ref x0, ref x1, ref x2, ref x3, ref w, d, out var m0, out var m1, out var m2, out var m3);
            loss += TLoss.Evaluate(m0 + intercept, labels[r0], out var s0)
                + TLoss.Evaluate(m1 + intercept, labels[r1], out var s1)
                + TLoss.Evaluate(m2 + intercept, labels[r2], out var s2)
                + TLoss.Evaluate(m3 + intercept, labels[r3], out var s3);
            DenseRowOps.AddScaled4Rows(ref g, ref x0, ref x1, ref x2, ref x3, s0, s1, s2, s3, d);
            interceptGradient += (s0 + s1) + (s2 + s3);
        }

        for (; i < count; i++)
        {
            var r = RowAt(rows, i);
            ref var xr = ref Unsafe.Add(ref x, (nint)r * d);
            loss += TLoss.Evaluate(DenseRowOps.Dot(ref xr, ref w, d) + intercept, labels[r], out var s);
            DenseRowOps.AddScaled(ref g, ref xr, s, d);
            interceptGradient += s;
        }

        gradient[d] += interceptGradient;
        return loss;
    }

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
