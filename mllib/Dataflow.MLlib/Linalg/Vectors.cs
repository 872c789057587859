namespace Dataflow.MLlib.Linalg;

/// <summary>Creates vectors and computes norms and distances between them.</summary>
/// <example><code>
/// var a = Vectors.Dense(1.0, 2.0, 0.0);
/// var b = Vectors.Sparse(3, [0, 2], [1.0, 4.0]);
/// var d2 = Vectors.SquaredDistance(a, b); // 0 + 4 + 16 = 20
/// </code></example>
/// <remarks>Spark: org.apache.spark.ml.linalg.Vectors</remarks>
public static class Vectors
{
    /// <summary>A dense vector over <paramref name="values"/> (kept, not copied).</summary>
    /// <param name="values">The entries.</param>
    /// <remarks>Spark: Vectors.dense</remarks>
    public static DenseVector Dense(params double[] values) => new(values);

    /// <summary>A dense vector of <paramref name="size"/> zeros.</summary>
    /// <param name="size">The dimension, ≥ 0.</param>
    /// <remarks>Spark: Vectors.zeros</remarks>
    public static DenseVector Zeros(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new(new double[size]);
    }

    /// <summary>A sparse vector over the arrays (kept, not copied).</summary>
    /// <param name="size">The dimension, ≥ 0.</param>
    /// <param name="indices">Strictly ascending 0-based indices below <paramref name="size"/>.</param>
    /// <param name="values">One value per index.</param>
    /// <exception cref="ArgumentException">The indices are out of order or range, or the lengths differ.</exception>
    /// <remarks>Spark: Vectors.sparse</remarks>
    public static SparseVector Sparse(int size, int[] indices, double[] values) => new(size, indices, values);

    /// <summary>A sparse vector from (index, value) entries in any order.</summary>
    /// <param name="size">The dimension, ≥ 0.</param>
    /// <param name="entries">Entries with distinct 0-based indices below <paramref name="size"/>.</param>
    /// <exception cref="ArgumentException">An index repeats or is out of range.</exception>
    /// <remarks>Spark: Vectors.sparse(size, elements)</remarks>
    public static SparseVector Sparse(int size, IEnumerable<(int Index, double Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sorted = entries.OrderBy(e => e.Index).ToArray();
        return new(size, [.. sorted.Select(e => e.Index)], [.. sorted.Select(e => e.Value)]);
    }

    /// <summary>The p-norm <c>(Σ|xᵢ|ᵖ)^(1/p)</c>; p = ∞ gives the largest absolute entry.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="p">The order, ≥ 1 (1, 2 and ∞ are computed directly).</param>
    /// <remarks>Spark: Vectors.norm</remarks>
    public static double Norm(Vector vector, double p)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (!(p >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A norm's order must be ≥ 1.");
        }

        var values = vector switch
        {
            DenseVector d => d.Values,
            SparseVector s => s.Values,
            _ => throw new ArgumentException($"Unknown vector type {vector.GetType().Name}.", nameof(vector)),
        };
        double sum = 0;
        if (p == 1)
        {
            foreach (var v in values)
            {
                sum += Math.Abs(v);
            }

            return sum;
        }

        if (p == 2)
        {
            foreach (var v in values)
            {
                sum += v * v;
            }

            return Math.Sqrt(sum);
        }

        if (double.IsPositiveInfinity(p))
        {
            foreach (var v in values)
            {
                sum = Math.Max(sum, Math.Abs(v));
            }

            return sum;
        }

        foreach (var v in values)
        {
            sum += Math.Pow(Math.Abs(v), p);
        }

        return Math.Pow(sum, 1 / p);
    }

    /// <summary>The squared Euclidean distance <c>Σ(aᵢ − bᵢ)²</c>, in float64, for any mix of dense and sparse.</summary>
    /// <param name="a">A vector.</param>
    /// <param name="b">A vector of the same size.</param>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    /// <remarks>Spark: Vectors.sqdist</remarks>
    public static double SquaredDistance(Vector a, Vector b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Size != b.Size)
        {
            throw new ArgumentException($"Vector sizes differ: {a.Size} and {b.Size}; both vectors need the same number of features.");
        }

        return (a, b) switch
        {
            (DenseVector x, DenseVector y) => DenseDense(x.Values, y.Values),
            (SparseVector x, DenseVector y) => SparseDense(x, y.Values),
            (DenseVector x, SparseVector y) => SparseDense(y, x.Values),
            (SparseVector x, SparseVector y) => SparseSparse(x, y),
            _ => throw new ArgumentException($"Unknown vector types {a.GetType().Name} and {b.GetType().Name}."),
        };
    }

    private static double DenseDense(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var d = x[i] - y[i];
            sum += d * d;
        }

        return sum;
    }

    private static double SparseDense(SparseVector x, double[] y)
    {
        var sum = 0.0;
        var k = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var d = k < x.Indices.Length && x.Indices[k] == i ? x.Values[k++] - y[i] : y[i];
            sum += d * d;
        }

        return sum;
    }

    private static double SparseSparse(SparseVector x, SparseVector y)
    {
        var sum = 0.0;
        int i = 0, j = 0;
        while (i < x.Indices.Length || j < y.Indices.Length)
        {
            double d;
            if (j >= y.Indices.Length || (i < x.Indices.Length && x.Indices[i] < y.Indices[j]))
            {
                d = x.Values[i++];
            }
            else if (i >= x.Indices.Length || y.Indices[j] < x.Indices[i])
            {
                d = y.Values[j++];
            }
            else
            {
                d = x.Values[i++] - y.Values[j++];
            }

            sum += d * d;
        }

        return sum;
    }
}
