using ILGPU;
using ILGPU.Algorithms;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The device code of <see cref="IlgpuKernels"/>: static methods that ILGPU compiles for the accelerator. Every one is
/// an explicitly grouped kernel (loaded with <c>LoadStreamKernel</c>, launched with grid and group sizes), loops over
/// its work with a grid stride, and writes each output entry from exactly one thread: no atomics anywhere.
/// </summary>
/// <remarks>
/// Only ILGPU's math (<see cref="XMath"/>) is used here, and only in float64: the data is float32 but every product
/// is widened first, as in the managed kernels. The pipeline of a call: margins (one thread per row × class), the
/// per-row loss and its derivative (one thread per row; stable forms), the gradient or sums as
/// <c>Σ_r s[r, c] · x[r, j]</c> (one thread per output entry and chunk of rows), and the loss or cost summed by a
/// shared-memory tree reduction per group, one partial per group. The host adds the few partials in float64.
/// </remarks>
internal static class IlgpuKernelBodies
{
    /// <summary>
    /// The most threads per group of a launch, and the size of the reduction's shared memory; launches use the largest
    /// power of two up to this that the accelerator allows (the tree reduction halves the group).
    /// </summary>
    public const int GroupSize = 128;

    /// <summary>The fast k-means distance is recomputed directly below this fraction of ‖x‖² + ‖c‖².</summary>
    private const double FastDistanceFloor = SimdKernels.FastDistanceFloor;

    private static long Start => ((long)Grid.IdxX * Group.DimX) + Group.IdxX;

    private static long Stride => (long)Grid.DimX * Group.DimX;

    /// <summary>m[r·K + c] = x_r · w_c + b_c for a dense row-major block.</summary>
    public static void DenseMargins(ArrayView<float> x, int rows, int d, ArrayView<double> w, ArrayView<double> b, int k, ArrayView<double> m)
    {
        var total = (long)rows * k;
        for (var t = Start; t < total; t += Stride)
        {
            var r = t / k;
            var c = t - (r * k);
            var xo = r * d;
            var wo = c * d;
            var sum = 0.0;
            for (var j = 0; j < d; j++)
                sum += (double)x[xo + j] * w[wo + j];
            m[t] = sum + b[c];
        }
    }

    /// <summary>m[r·K + c] = x_r · w_c + b_c for a CSR block.</summary>
    public static void SparseMargins(ArrayView<int> offsets, ArrayView<int> indices, ArrayView<float> values, int rows, int d, ArrayView<double> w, ArrayView<double> b, int k, ArrayView<double> m)
    {
        var total = (long)rows * k;
        for (var t = Start; t < total; t += Stride)
        {
            var r = t / k;
            var c = t - (r * k);
            var wo = c * d;
            var sum = 0.0;
            for (int p = offsets[r], end = offsets[r + 1]; p < end; p++)
                sum += (double)values[p] * w[wo + indices[p]];
            m[t] = sum + b[c];
        }
    }

    /// <summary>
    /// Binary log-loss per row: the margin in <paramref name="s"/> is replaced by weight · (σ(m) − y) and
    /// <paramref name="loss"/> gets weight · (log(1 + e^m) − y·m), both formed from e^−|m| only (finite at any margin).
    /// </summary>
    public static void LogisticRows(ArrayView<double> s, ArrayView<double> labels, ArrayView<double> weights, int weighted, int rows, ArrayView<double> loss)
    {
        for (var r = Start; r < rows; r += Stride)
        {
            var margin = s[r];
            var y = labels[r];
            var t = XMath.Exp(-XMath.Abs(margin));
            var big = 1.0 / (1.0 + t);
            var small = t * big;
            var p = margin >= 0 ? big : small;
            var q = margin >= 0 ? small : big;
            var derivative = ((1.0 - y) * p) - (y * q);
            var linear = margin > 0 ? (1.0 - y) * margin : -y * margin;
            var weight = weighted != 0 ? weights[r] : 1.0;
            s[r] = weight * derivative;
            loss[r] = weight * (linear + Log1p(t));
        }
    }

    /// <summary>Least squares per row: the margin in <paramref name="s"/> becomes weight · (m − y), the loss weight · ½(m − y)².</summary>
    public static void SquaresRows(ArrayView<double> s, ArrayView<double> labels, ArrayView<double> weights, int weighted, int rows, ArrayView<double> loss)
    {
        for (var r = Start; r < rows; r += Stride)
        {
            var residual = s[r] - labels[r];
            var weight = weighted != 0 ? weights[r] : 1.0;
            s[r] = weight * residual;
            loss[r] = weight * 0.5 * residual * residual;
        }
    }

    /// <summary>
    /// Softmax per row over the K margins at <c>s[r·K ..]</c>: they become weight · (p_c − [c = y]) and the loss
    /// weight · (logΣexp(m) − m_y), with the largest margin subtracted before any exp (the form of the managed kernels).
    /// </summary>
    public static void SoftmaxRows(ArrayView<double> s, ArrayView<double> labels, ArrayView<double> weights, int weighted, int rows, int k, ArrayView<double> loss)
    {
        for (var r = Start; r < rows; r += Stride)
        {
            var o = r * k;
            var top = 0;
            var max = s[o];
            for (var c = 1; c < k; c++)
            {
                if (s[o + c] > max)
                {
                    max = s[o + c];
                    top = c;
                }
            }

            var label = (int)labels[r];
            var rowLoss = max - s[o + label];
            var others = 0.0;
            for (var c = 0; c < k; c++)
            {
                var e = XMath.Exp(s[o + c] - max);
                s[o + c] = e;
                if (c != top)
                    others += e;
            }

            var sum = 1.0 + others;
            var labelExp = s[o + label];
            var weight = weighted != 0 ? weights[r] : 1.0;
            for (var c = 0; c < k; c++)
                s[o + c] = weight * (s[o + c] / sum);
            s[o + label] = weight * (label == top ? -others / sum : (labelExp / sum) - 1.0);
            loss[r] = weight * (rowLoss + Log1p(others));
        }
    }

    /// <summary>
    /// The nearest centre of every dense row (centres in index order, skipped by the norm bound, ties to the lowest
    /// index): <paramref name="nearest"/> and <paramref name="distances"/> per row; with
    /// <paramref name="accumulate"/> also the one-hot multipliers <c>s[r·k + c]</c> for the sums and counts.
    /// </summary>
    public static void DenseNearest(ArrayView<float> x, ArrayView<double> norms, int rows, int d, ArrayView<double> centers, ArrayView<double> centerNorms, int k, ArrayView<int> nearest, ArrayView<double> distances, ArrayView<double> s, int accumulate)
    {
        for (var r = Start; r < rows; r += Stride)
        {
            var xo = r * d;
            var xNorm = norms[r];
            var xx = xNorm * xNorm;
            var best = double.PositiveInfinity;
            var bestIndex = 0;
            for (var c = 0; c < k; c++)
            {
                var cNorm = centerNorms[c];
                var gap = xNorm - cNorm;
                if (gap * gap >= best)
                    continue;
                var co = (long)c * d;
                var dot = 0.0;
                for (var j = 0; j < d; j++)
                    dot += (double)x[xo + j] * centers[co + j];
                var sumOfSquares = xx + (cNorm * cNorm);
                var distance = sumOfSquares - (2 * dot);
                if (!(distance > FastDistanceFloor * sumOfSquares))
                {
                    distance = 0.0;
                    for (var j = 0; j < d; j++)
                    {
                        var diff = x[xo + j] - centers[co + j];
                        distance += diff * diff;
                    }
                }

                if (distance < best)
                {
                    best = distance;
                    bestIndex = c;
                }
            }

            Store(r, k, bestIndex, best, nearest, distances, s, accumulate);
        }
    }

    /// <summary><see cref="DenseNearest"/> for a CSR block.</summary>
    public static void SparseNearest(ArrayView<int> offsets, ArrayView<int> indices, ArrayView<float> values, ArrayView<double> norms, int rows, int d, ArrayView<double> centers, ArrayView<double> centerNorms, int k, ArrayView<int> nearest, ArrayView<double> distances, ArrayView<double> s, int accumulate)
    {
        for (var r = Start; r < rows; r += Stride)
        {
            var begin = offsets[r];
            var end = offsets[r + 1];
            var xNorm = norms[r];
            var xx = xNorm * xNorm;
            var best = double.PositiveInfinity;
            var bestIndex = 0;
            for (var c = 0; c < k; c++)
            {
                var cNorm = centerNorms[c];
                var gap = xNorm - cNorm;
                if (gap * gap >= best)
                    continue;
                var co = (long)c * d;
                var dot = 0.0;
                for (var p = begin; p < end; p++)
                    dot += (double)values[p] * centers[co + indices[p]];
                var sumOfSquares = xx + (cNorm * cNorm);
                var distance = sumOfSquares - (2 * dot);
                if (!(distance > FastDistanceFloor * sumOfSquares))
                {
                    // Σ over every feature of (x_j − c_j)², the centre's entries between the row's non-zeros included.
                    distance = 0.0;
                    var next = 0;
                    for (var p = begin; p < end; p++)
                    {
                        var j = indices[p];
                        for (; next < j; next++)
                            distance += centers[co + next] * centers[co + next];
                        var diff = values[p] - centers[co + j];
                        distance += diff * diff;
                        next = j + 1;
                    }

                    for (; next < d; next++)
                        distance += centers[co + next] * centers[co + next];
                }

                if (distance < best)
                {
                    best = distance;
                    bestIndex = c;
                }
            }

            Store(r, k, bestIndex, best, nearest, distances, s, accumulate);
        }
    }

    /// <summary>
    /// One partial per group of <c>P[chunk, c, j] = Σ_{r in chunk} s[r·K + c] · x[r, j]</c> for a dense block, with
    /// <c>j = d</c> standing for a constant 1 (the intercepts, or the k-means counts). Group <c>g</c> covers the output
    /// entries of tile <c>g mod tiles</c> over the rows of chunk <c>g / tiles</c>; adjacent threads read adjacent
    /// features of a row (coalesced).
    /// </summary>
    public static void DenseAccumulate(ArrayView<float> x, int rows, int d, ArrayView<double> s, int k, int tiles, int rowsPerChunk, ArrayView<double> partials)
    {
        var width = (long)d + 1;
        var total = k * width;
        var tile = Grid.IdxX % tiles;
        var chunk = Grid.IdxX / tiles;
        var e = ((long)tile * Group.DimX) + Group.IdxX;
        if (e >= total)
            return;
        var c = e / width;
        var j = e - (c * width);
        var first = (long)chunk * rowsPerChunk;
        var last = XMath.Min((long)rows, first + rowsPerChunk);
        var sum = 0.0;
        if (j < d)
        {
            for (var r = first; r < last; r++)
                sum += s[(r * k) + c] * x[(r * d) + j];
        }
        else
        {
            for (var r = first; r < last; r++)
                sum += s[(r * k) + c];
        }

        partials[(chunk * total) + e] = sum;
    }

    /// <summary>
    /// <see cref="DenseAccumulate"/> for a CSR block through its CSC copy (column offsets, row of each entry, values):
    /// each output entry is a gather down one column, in row order, so no two threads write the same entry.
    /// </summary>
    public static void SparseAccumulate(ArrayView<int> columnOffsets, ArrayView<int> entryRows, ArrayView<float> entryValues, int rows, int d, ArrayView<double> s, int k, ArrayView<double> partials)
    {
        var width = (long)d + 1;
        var total = k * width;
        for (var e = Start; e < total; e += Stride)
        {
            var c = e / width;
            var j = e - (c * width);
            var sum = 0.0;
            if (j < d)
            {
                for (int p = columnOffsets[j], end = columnOffsets[j + 1]; p < end; p++)
                    sum += s[((long)entryRows[p] * k) + c] * entryValues[p];
            }
            else
            {
                for (var r = 0L; r < rows; r++)
                    sum += s[(r * k) + c];
            }

            partials[e] = sum;
        }
    }

    /// <summary>Σ values[0..count), one partial per group: a grid-stride sum per thread, then a shared-memory tree.</summary>
    public static void Sum(ArrayView<double> values, int count, ArrayView<double> partials)
    {
        var shared = SharedMemory.Allocate<double>(GroupSize);
        var sum = 0.0;
        for (var i = Start; i < count; i += Stride)
            sum += values[i];
        shared[Group.IdxX] = sum;
        Group.Barrier();
        for (var half = Group.DimX / 2; half > 0; half /= 2)
        {
            if (Group.IdxX < half)
                shared[Group.IdxX] += shared[Group.IdxX + half];
            Group.Barrier();
        }

        if (Group.IdxX == 0)
            partials[Grid.IdxX] = shared[0];
    }

    private static void Store(long r, int k, int bestIndex, double best, ArrayView<int> nearest, ArrayView<double> distances, ArrayView<double> s, int accumulate)
    {
        if (accumulate != 0)
        {
            for (var c = 0; c < k; c++)
                s[(r * k) + c] = c == bestIndex ? 1.0 : 0.0;
        }

        nearest[r] = bestIndex;
        distances[r] = best;
    }

    // log(1 + x) for 0 ≤ x, accurate when x is tiny (the correction of StableMath.Log1p, in XMath).
    private static double Log1p(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : XMath.Log(u) * (x / (u - 1.0));
    }
}
