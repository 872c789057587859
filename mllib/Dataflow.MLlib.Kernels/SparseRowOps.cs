using System.Numerics.Tensors;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// Sparse dot products (gather) and scaled additions (scatter-add) between one CSR row and float64 vectors.
/// </summary>
/// <remarks>
/// These index through spans, so every gather and scatter is bounds-checked: the check is one predictable compare
/// beside a load that usually misses the cache (a model of 10^6 features is 8 MB), and it keeps a block whose
/// arrays were written after it was checked from reaching outside the model. Hardware gathers were not used for the
/// same reason (they take unchecked pointers) and because they are no faster than scalar loads on cache misses.
/// </remarks>
internal static class SparseRowOps
{
    /// <summary>Σ values[p]·w[indices[p]].</summary>
    public static double Dot(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<double> w)
    {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        var n = Math.Min(indices.Length, values.Length);
        var p = 0;
        for (; p + 4 <= n; p += 4)
        {
            a0 += values[p] * w[indices[p]];
            a1 += values[p + 1] * w[indices[p + 1]];
            a2 += values[p + 2] * w[indices[p + 2]];
            a3 += values[p + 3] * w[indices[p + 3]];
        }

        for (; p < n; p++)
            a0 += values[p] * w[indices[p]];
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>g[indices[p]] += s·values[p].</summary>
    public static void AddScaled(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, double s, Span<double> g)
    {
        var n = Math.Min(indices.Length, values.Length);
        for (var p = 0; p < n; p++)
            g[indices[p]] += s * values[p];
    }

    /// <summary>
    /// The exact squared distance Σ_j (x_j − c_j)² between a sparse row and a dense centre of <c>c.Length</c> entries:
    /// the centre's squares between the row's entries are summed in runs.
    /// </summary>
    public static double SquaredDistance(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<double> c)
    {
        var sum = 0.0;
        var next = 0;
        var n = Math.Min(indices.Length, values.Length);
        for (var p = 0; p < n; p++)
        {
            var j = indices[p];
            if (j > next)
                sum += TensorPrimitives.SumOfSquares(c[next..j]);
            var diff = values[p] - c[j];
            sum += diff * diff;
            next = j + 1;
        }

        if (next < c.Length)
            sum += TensorPrimitives.SumOfSquares(c[next..]);
        return sum;
    }
}
