using MessagePack;

namespace Dataflow.MLlib.Linalg;

/// <summary>
/// A vector of float64 values: <see cref="DenseVector"/> (every value stored) or <see cref="SparseVector"/> (the
/// non-zero entries as ascending indices and values). Create them with <see cref="Vectors"/>. Vectors are values:
/// two vectors are equal when they have the same size and the same entries, whatever their storage.
/// </summary>
/// <remarks>
/// <para>A vector keeps the arrays it is built from (no copy), as Spark's do: do not change them afterwards.</para>
/// <para>Vectors are records of RDDs: the <c>[Union]</c> attributes let MessagePack write a <see cref="Vector"/>
/// member as a type code plus the concrete vector, so a <see cref="LabeledPoint"/> round-trips through shuffles,
/// spills, disk caches and a cluster. Only the two vector types of this library exist.</para>
/// <para>Spark: org.apache.spark.ml.linalg.Vector</para>
/// </remarks>
[Union(0, typeof(DenseVector))]
[Union(1, typeof(SparseVector))]
public abstract class Vector : IEquatable<Vector>
{
    private protected Vector()
    {
    }

    /// <summary>The number of entries, zeros included (the dimension).</summary>
    [IgnoreMember]
    public abstract int Size { get; }

    /// <summary>The number of stored entries: <see cref="Size"/> when dense, the stored indices when sparse.</summary>
    [IgnoreMember]
    public abstract int ActiveCount { get; }

    /// <summary>The entry at <paramref name="index"/> (0 for an unstored index of a sparse vector).</summary>
    /// <param name="index">0-based, below <see cref="Size"/>.</param>
    [IgnoreMember]
    public abstract double this[int index] { get; }

    /// <summary>The dot product with <paramref name="other"/>, in float64.</summary>
    /// <param name="other">A vector of the same size.</param>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    /// <remarks>Spark: BLAS.dot</remarks>
    public abstract double Dot(Vector other);

    /// <summary>The entries as a new dense array.</summary>
    /// <remarks>Spark: toArray</remarks>
    public abstract double[] ToArray();

    /// <summary>The L2 norm, <c>√Σxᵢ²</c>.</summary>
    /// <remarks>Spark: Vectors.norm(v, 2)</remarks>
    public double Norm() => Vectors.Norm(this, 2);

    /// <summary>This vector as a <see cref="DenseVector"/> (itself when it is one).</summary>
    /// <remarks>Spark: toDense</remarks>
    public DenseVector ToDense() => this as DenseVector ?? new DenseVector(ToArray());

    /// <summary>This vector as a <see cref="SparseVector"/> holding only its non-zero entries.</summary>
    /// <remarks>Spark: toSparse</remarks>
    public abstract SparseVector ToSparse();

    /// <summary>Calls <paramref name="action"/> with the index and value of every stored entry, in ascending order.</summary>
    /// <param name="action">Receives (index, value).</param>
    /// <remarks>Spark: foreachActive</remarks>
    public abstract void ForEachActive(Action<int, double> action);

    /// <inheritdoc/>
    public bool Equals(Vector? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Size != Size)
        {
            return false;
        }

        // Compare through the sparse forms so a dense and a sparse vector with the same entries are equal.
        var (a, b) = (ToSparse(), other.ToSparse());
        return a.Indices.AsSpan().SequenceEqual(b.Indices) && a.Values.AsSpan().SequenceEqual(b.Values);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Vector other && Equals(other);

    /// <summary>A hash of the size and the first non-zero entries, the same in every process (as Spark's).</summary>
    public override int GetHashCode()
    {
        var hash = 31 + Size;
        var taken = 0;
        var sparse = ToSparse();
        for (var i = 0; i < sparse.Indices.Length && taken < 16; i++, taken++)
        {
            var bits = BitConverter.DoubleToInt64Bits(sparse.Values[i]);
            hash = unchecked((31 * hash) + sparse.Indices[i]);
            hash = unchecked((31 * hash) + (int)(bits ^ (bits >>> 32)));
        }

        return hash;
    }

    /// <summary>Whether two vectors have the same size and entries.</summary>
    public static bool operator ==(Vector? left, Vector? right) => left?.Equals(right) ?? right is null;

    /// <summary>Whether two vectors differ in size or in an entry.</summary>
    public static bool operator !=(Vector? left, Vector? right) => !(left == right);

    private protected static void CheckSameSize(Vector a, Vector b)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (a.Size != b.Size)
        {
            throw new ArgumentException($"Vector sizes differ: {a.Size} and {b.Size}; both vectors need the same number of features.");
        }
    }
}
