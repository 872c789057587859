using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dataflow.MLlib.Kernels;

// Softmax regression and the K-margin prediction: K linear functions per row.
public sealed partial class SimdKernels
{
    // Up to this many classes the per-row margins live on the stack; more come from the shared pool.
    private const int StackClasses = 256;

    private static double DenseMultinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows)
    {
        var k = intercepts.Length;
        var d = block.Features;
        var count = rows?.Length ?? block.Rows;
        double[]? rented = null;
        var m = k <= StackClasses ? stackalloc double[k] : (rented = ArrayPool<double>.Shared.Rent(k)).AsSpan(0, k);
        try
        {
            ref var x = ref MemoryMarshal.GetArrayDataReference(block.Values);
            ref var w = ref MemoryMarshal.GetReference(coefficients);
            ref var g = ref MemoryMarshal.GetReference(gradient);
            var interceptGradient = gradient.Slice(k * d, k);
            var loss = 0.0;
            for (var i = 0; i < count; i++)
            {
                var r = RowAt(rows, i);
                ref var xr = ref Unsafe.Add(ref x, (nint)r * d);
                DenseMarginsOfRow(ref xr, ref w, d, m);
                TensorPrimitives.Add(m, intercepts, m);
                loss += StableMath.Softmax(m, (int)block.Labels[r]);
                // The row is still in L1: add it to every class's gradient, scaled by that class's multiplier.
                var c = 0;
                for (; c + 4 <= k; c += 4)
                    DenseRowOps.AddScaled4Vectors(ref Unsafe.Add(ref g, (nint)c * d), d, ref xr, m[c], m[c + 1], m[c + 2], m[c + 3], d);
                for (; c < k; c++)
                    DenseRowOps.AddScaled(ref Unsafe.Add(ref g, (nint)c * d), ref xr, m[c], d);
                TensorPrimitives.Add(interceptGradient, m, interceptGradient);
            }

            return loss;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static double SparseMultinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows)
    {
        var k = intercepts.Length;
        var d = block.Features;
        var count = rows?.Length ?? block.Rows;
        double[]? rented = null;
        var m = k <= StackClasses ? stackalloc double[k] : (rented = ArrayPool<double>.Shared.Rent(k)).AsSpan(0, k);
        try
        {
            var interceptGradient = gradient.Slice(k * d, k);
            var loss = 0.0;
            for (var i = 0; i < count; i++)
            {
                var r = RowAt(rows, i);
                var start = block.RowOffsets[r];
                var length = block.RowOffsets[r + 1] - start;
                var indices = block.Indices.AsSpan(start, length);
                var values = block.Values.AsSpan(start, length);
                for (var c = 0; c < k; c++)
                    m[c] = SparseRowOps.Dot(indices, values, coefficients.Slice(c * d, d)) + intercepts[c];
                loss += StableMath.Softmax(m, (int)block.Labels[r]);
                for (var c = 0; c < k; c++)
                    SparseRowOps.AddScaled(indices, values, m[c], gradient.Slice(c * d, d));
                TensorPrimitives.Add(interceptGradient, m, interceptGradient);
            }

            return loss;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static void DenseMargins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
    {
        var k = intercepts.Length;
        var d = block.Features;
        ref var x = ref MemoryMarshal.GetArrayDataReference(block.Values);
        ref var w = ref MemoryMarshal.GetReference(coefficients);
        for (var r = 0; r < block.Rows; r++)
        {
            var m = margins.Slice(r * k, k);
            DenseMarginsOfRow(ref Unsafe.Add(ref x, (nint)r * d), ref w, d, m);
            TensorPrimitives.Add(m, intercepts, m);
        }
    }

    private static void SparseMargins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
    {
        var k = intercepts.Length;
        var d = block.Features;
        for (var r = 0; r < block.Rows; r++)
        {
            var start = block.RowOffsets[r];
            var length = block.RowOffsets[r + 1] - start;
            var indices = block.Indices.AsSpan(start, length);
            var values = block.Values.AsSpan(start, length);
            for (var c = 0; c < k; c++)
                margins[(r * k) + c] = SparseRowOps.Dot(indices, values, coefficients.Slice(c * d, d)) + intercepts[c];
        }
    }

    // m[c] = x·w_c for the K rows of the row-major K × d matrix at w, four classes per pass over the row.
    private static void DenseMarginsOfRow(ref float x, ref double w, int d, Span<double> m)
    {
        var k = m.Length;
        var c = 0;
        for (; c + 4 <= k; c += 4)
        {
            DenseRowOps.Dot4Vectors(ref x, ref Unsafe.Add(ref w, (nint)c * d), d, d, out var m0, out var m1, out var m2, out var m3);
            m[c] = m0;
            m[c + 1] = m1;
            m[c + 2] = m2;
            m[c + 3] = m3;
        }

        for (; c < k; c++)
            m[c] = DenseRowOps.Dot(ref x, ref Unsafe.Add(ref w, (nint)c * d), d);
    }
}
