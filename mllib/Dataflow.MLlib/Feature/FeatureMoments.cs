using System.Globalization;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Feature;

/// <summary>
/// Per-feature count, mean and sum of squared deviations in one pass, float64, by Welford's update within a
/// partition and Chan et al.'s pairwise merge across partitions, so no sum of squares of large values is ever
/// subtracted from another (the cancellation that makes <c>E[x²] − E[x]²</c> wrong for data far from zero).
/// Sparse rows update only their stored entries; the unstored zeros are merged in at the end as one group of
/// value 0 per feature (as Spark's summarizer counts non-zeros).
/// </summary>
/// <remarks>
/// The state is a tuple of arrays so that it crosses the tree aggregation's shuffles as plain MessagePack data.
/// <c>Observed[j]</c> counts the entries seen for feature <c>j</c> (all rows when dense); <c>Rows</c> counts rows.
/// </remarks>
internal static class FeatureMoments
{
    public static (long Rows, double[] Observed, double[] Mean, double[] M2) Empty => (0, [], [], []);

    public static (long Rows, double[] Observed, double[] Mean, double[] M2) Add(
        (long Rows, double[] Observed, double[] Mean, double[] M2) state, Vector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (state.Rows == 0 && state.Mean.Length == 0)
        {
            state = (0, new double[vector.Size], new double[vector.Size], new double[vector.Size]);
        }
        else if (vector.Size != state.Mean.Length)
        {
            throw SizeMismatch(state.Mean.Length, vector.Size);
        }

        var (observed, mean, m2) = (state.Observed, state.Mean, state.M2);
        switch (vector)
        {
            case DenseVector dense:
                // Every feature has been seen as often as there are rows, so one reciprocal serves them all.
                var n = observed.Length == 0 ? 0 : observed[0] + 1;
                var inverse = 1.0 / n;
                for (var j = 0; j < dense.Values.Length; j++)
                {
                    if (observed[j] + 1 != n)
                    {
                        Update(j, dense.Values[j], observed, mean, m2);
                        continue;
                    }

                    var x = dense.Values[j];
                    var delta = x - mean[j];
                    observed[j] = n;
                    mean[j] += delta * inverse;
                    m2[j] += delta * (x - mean[j]);
                }

                break;
            case SparseVector sparse:
                for (var k = 0; k < sparse.Indices.Length; k++)
                {
                    Update(sparse.Indices[k], sparse.Values[k], observed, mean, m2);
                }

                break;
        }

        return (state.Rows + 1, observed, mean, m2);
    }

    public static (long Rows, double[] Observed, double[] Mean, double[] M2) Merge(
        (long Rows, double[] Observed, double[] Mean, double[] M2) a, (long Rows, double[] Observed, double[] Mean, double[] M2) b)
    {
        if (a.Mean.Length == 0)
        {
            return b.Mean.Length == 0 ? (a.Rows + b.Rows, a.Observed, a.Mean, a.M2) : (a.Rows + b.Rows, b.Observed, b.Mean, b.M2);
        }

        if (b.Mean.Length == 0)
        {
            return (a.Rows + b.Rows, a.Observed, a.Mean, a.M2);
        }

        if (a.Mean.Length != b.Mean.Length)
        {
            throw SizeMismatch(a.Mean.Length, b.Mean.Length);
        }

        for (var j = 0; j < a.Mean.Length; j++)
        {
            (a.Observed[j], a.Mean[j], a.M2[j]) = Combine(a.Observed[j], a.Mean[j], a.M2[j], b.Observed[j], b.Mean[j], b.M2[j]);
        }

        return (a.Rows + b.Rows, a.Observed, a.Mean, a.M2);
    }

    /// <summary>The means and population standard deviations over all rows, unstored zeros included.</summary>
    public static (double[] Mean, double[] Std) Finish((long Rows, double[] Observed, double[] Mean, double[] M2) state)
    {
        var d = state.Mean.Length;
        var (mean, std) = (new double[d], new double[d]);
        for (var j = 0; j < d; j++)
        {
            var (n, m, m2) = Combine(state.Observed[j], state.Mean[j], state.M2[j], state.Rows - state.Observed[j], 0, 0);
            mean[j] = m;
            // Rounding can leave a constant feature with a tiny negative M2; it has no spread.
            std[j] = n > 0 ? Math.Sqrt(Math.Max(0, m2) / n) : 0;
        }

        return (mean, std);
    }

    private static void Update(int j, double x, double[] observed, double[] mean, double[] m2)
    {
        var n = observed[j] + 1;
        var delta = x - mean[j];
        observed[j] = n;
        mean[j] += delta / n;
        m2[j] += delta * (x - mean[j]);
    }

    private static (double N, double Mean, double M2) Combine(double nA, double meanA, double m2A, double nB, double meanB, double m2B)
    {
        var n = nA + nB;
        if (nB == 0)
        {
            return (nA, meanA, m2A);
        }

        if (nA == 0)
        {
            return (nB, meanB, m2B);
        }

        var delta = meanB - meanA;
        return (n, meanA + (delta * (nB / n)), m2A + m2B + (delta * delta * (nA / n) * nB));
    }

    private static ArgumentException SizeMismatch(int expected, int found) => new(
        $"A vector has {found.ToString(CultureInfo.InvariantCulture)} features, the ones before it {expected.ToString(CultureInfo.InvariantCulture)}; all vectors of a data set need the same feature count.");
}
