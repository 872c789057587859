using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dataflow.MLlib.Kernels;

// The k-means assignment step: nearest centre per row with the norm bound, then sums and counts (or the per-row
// answer for NearestCenters).
public sealed partial class SimdKernels
{
    /// <summary>
    /// Below this fraction of ‖x‖² + ‖c‖², the fast distance ‖x‖² + ‖c‖² − 2x·c is recomputed as Σ(x − c)².
    /// </summary>
    /// <remarks>
    /// The fast form's rounding error is a few ulps of ‖x‖² + ‖c‖² (norms and dot carry relative errors of order
    /// ε·(a small multiple of √d)), so when the distance is that much smaller than the sum it has lost digits: at
    /// 1e-5 a distance keeps a relative precision near 1e-10 for d = 100 and better than 1e-7 even in the worst case
    /// at d = 10^4. It happens when a row nearly coincides with a centre, relative to its norm (uncentred data, or
    /// the data points k-means|| picks as centres, which then come out exactly 0). Spark's
    /// <c>MLUtils.fastSquaredDistance</c> makes the same choice from an a-priori bound; this one looks at the dot.
    /// </remarks>
    internal const double FastDistanceFloor = 1e-5;

    private double Assign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts, Span<int> nearest, Span<double> squaredDistances)
    {
        var accumulate = nearest.IsEmpty && squaredDistances.IsEmpty;
        var d = block.Features;
        long computed = 0, skipped = 0;
        var cost = 0.0;
        ref var x = ref MemoryMarshal.GetArrayDataReference(block.Values);
        ref var c = ref MemoryMarshal.GetReference(centers);
        ref var s = ref MemoryMarshal.GetReference(sums);
        for (var r = 0; r < block.Rows; r++)
        {
            int best;
            double distance;
            if (block.IsSparse)
            {
                var start = block.RowOffsets[r];
                var length = block.RowOffsets[r + 1] - start;
                var indices = block.Indices.AsSpan(start, length);
                var values = block.Values.AsSpan(start, length);
                best = NearestSparse(indices, values, block.Norms[r], centers, centerNorms, d, out distance, ref computed, ref skipped);
                if (accumulate)
                    SparseRowOps.AddScaled(indices, values, 1.0, sums.Slice(best * d, d));
            }
            else
            {
                ref var xr = ref Unsafe.Add(ref x, (nint)r * d);
                best = NearestDense(ref xr, block.Norms[r], ref c, centerNorms, d, out distance, ref computed, ref skipped);
                if (accumulate)
                    DenseRowOps.AddScaled(ref Unsafe.Add(ref s, (nint)best * d), ref xr, 1.0, d);
            }

            if (accumulate)
            {
                counts[best]++;
                cost += distance;
            }
            else
            {
                nearest[r] = best;
                squaredDistances[r] = distance;
            }
        }

        Interlocked.Add(ref _distancesComputed, computed);
        Interlocked.Add(ref _distancesSkipped, skipped);
        return cost;
    }

    // Centres in index order, each skipped when (‖x‖ − ‖c‖)², a lower bound of its distance, is ≥ the best so far
    // (so ties go to the lowest index). Four centres share one pass over the row when at least two of them survive
    // the bound; the bound is checked again, with the best updated, before each of the four is considered, so the
    // answer is the one of the plain one-at-a-time loop.
    private static int NearestDense(ref float x, double xNorm, ref double centers, ReadOnlySpan<double> centerNorms, int d, out double best, ref long computed, ref long skipped)
    {
        var k = centerNorms.Length;
        var xx = xNorm * xNorm;
        best = double.PositiveInfinity;
        var bestIndex = 0;
        var i = 0;
        for (; i + 4 <= k; i += 4)
        {
            double b0 = Bound(xNorm, centerNorms[i]), b1 = Bound(xNorm, centerNorms[i + 1]), b2 = Bound(xNorm, centerNorms[i + 2]), b3 = Bound(xNorm, centerNorms[i + 3]);
            var alive = (b0 < best ? 1 : 0) + (b1 < best ? 1 : 0) + (b2 < best ? 1 : 0) + (b3 < best ? 1 : 0);
            ref var c0 = ref Unsafe.Add(ref centers, (nint)i * d);
            if (alive >= 2)
            {
                DenseRowOps.Dot4Vectors(ref x, ref c0, d, d, out var dot0, out var dot1, out var dot2, out var dot3);
                ConsiderDense(i, b0, dot0, xx, centerNorms[i], ref x, ref c0, d, ref best, ref bestIndex, ref computed, ref skipped);
                ConsiderDense(i + 1, b1, dot1, xx, centerNorms[i + 1], ref x, ref Unsafe.Add(ref c0, d), d, ref best, ref bestIndex, ref computed, ref skipped);
                ConsiderDense(i + 2, b2, dot2, xx, centerNorms[i + 2], ref x, ref Unsafe.Add(ref c0, 2 * d), d, ref best, ref bestIndex, ref computed, ref skipped);
                ConsiderDense(i + 3, b3, dot3, xx, centerNorms[i + 3], ref x, ref Unsafe.Add(ref c0, 3 * d), d, ref best, ref bestIndex, ref computed, ref skipped);
            }
            else
            {
                for (var j = 0; j < 4; j++)
                    NearestOneDense(i + j, xNorm, xx, centerNorms[i + j], ref x, ref Unsafe.Add(ref c0, j * d), d, ref best, ref bestIndex, ref computed, ref skipped);
            }
        }

        for (; i < k; i++)
            NearestOneDense(i, xNorm, xx, centerNorms[i], ref x, ref Unsafe.Add(ref centers, (nint)i * d), d, ref best, ref bestIndex, ref computed, ref skipped);
        return bestIndex;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NearestOneDense(int index, double xNorm, double xx, double cNorm, ref float x, ref double center, int d, ref double best, ref int bestIndex, ref long computed, ref long skipped)
    {
        var bound = Bound(xNorm, cNorm);
        if (bound >= best)
            skipped++;
        else
            ConsiderDense(index, bound, DenseRowOps.Dot(ref x, ref center, d), xx, cNorm, ref x, ref center, d, ref best, ref bestIndex, ref computed, ref skipped);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ConsiderDense(int index, double bound, double dot, double xx, double cNorm, ref float x, ref double center, int d, ref double best, ref int bestIndex, ref long computed, ref long skipped)
    {
        if (bound >= best)
        {
            skipped++;
            return;
        }

        computed++;
        var sumOfSquares = xx + (cNorm * cNorm);
        var distance = sumOfSquares - (2 * dot);
        if (!(distance > FastDistanceFloor * sumOfSquares))
            distance = DenseRowOps.SquaredDistance(ref x, ref center, d);
        if (distance < best)
        {
            best = distance;
            bestIndex = index;
        }
    }

    private static int NearestSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, double xNorm, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, int d, out double best, ref long computed, ref long skipped)
    {
        var xx = xNorm * xNorm;
        best = double.PositiveInfinity;
        var bestIndex = 0;
        for (var i = 0; i < centerNorms.Length; i++)
        {
            var cNorm = centerNorms[i];
            if (Bound(xNorm, cNorm) >= best)
            {
                skipped++;
                continue;
            }

            computed++;
            var center = centers.Slice(i * d, d);
            var dot = SparseRowOps.Dot(indices, values, center);
            var sumOfSquares = xx + (cNorm * cNorm);
            var distance = sumOfSquares - (2 * dot);
            if (!(distance > FastDistanceFloor * sumOfSquares))
                distance = SparseRowOps.SquaredDistance(indices, values, center);
            if (distance < best)
            {
                best = distance;
                bestIndex = i;
            }
        }

        return bestIndex;
    }

    private static double Bound(double xNorm, double cNorm)
    {
        var gap = xNorm - cNorm;
        return gap * gap;
    }
}
