using System.Globalization;
using MessagePack;

namespace Dataflow.MLlib.Linalg;

/// <summary>
/// A vector storing its non-zero entries: strictly ascending 0-based <see cref="Indices"/>, each below
/// <see cref="Size"/>, and their <see cref="Values"/>. Create it with <see cref="Vectors.Sparse(int, int[], double[])"/>.
/// </summary>
/// <example><code>var v = Vectors.Sparse(5, [1, 3], [2.0, -1.0]); // v[3] == -1, v[0] == 0</code></example>
/// <remarks>Spark: org.apache.spark.ml.linalg.SparseVector</remarks>
[MessagePackObject]
public sealed class SparseVector : Vector
{
    private readonly int _size;

    /// <summary>Wraps the arrays (kept, not copied) after checking them.</summary>
    /// <param name="size">The dimension, ≥ 0.</param>
    /// <param name="indices">Strictly ascending indices in <c>0 .. size − 1</c>.</param>
    /// <param name="values">One value per index.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, or an index is out of order or out of range.</exception>
    public SparseVector(int size, int[] indices, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length != values.Length)
        {
            throw new ArgumentException($"A sparse vector needs one value per index: got {indices.Length} indices and {values.Length} values.");
        }

        for (var i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)size)
            {
                throw new ArgumentException($"Sparse vector index {indices[i]} (entry {i}) is outside 0..{size - 1} for a vector of size {size}.");
            }

            if (i > 0 && indices[i] <= indices[i - 1])
            {
                throw new ArgumentException(
                    $"Sparse vector indices must be strictly ascending: entry {i} is {indices[i]} after {indices[i - 1]}; sort them and remove duplicates.");
            }
        }

        _size = size;
        Indices = indices;
        Values = values;
    }

    /// <inheritdoc/>
    [Key(0)]
    public override int Size => _size;

    /// <summary>The indices of the stored entries, strictly ascending.</summary>
    [Key(1)]
    public int[] Indices { get; }

    /// <summary>The values of the stored entries.</summary>
    [Key(2)]
    public double[] Values { get; }

    /// <inheritdoc/>
    [IgnoreMember]
    public override int ActiveCount => Indices.Length;

    /// <inheritdoc/>
    [IgnoreMember]
    public override double this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _size);
            var at = Array.BinarySearch(Indices, index);
            return at >= 0 ? Values[at] : 0.0;
        }
    }

    /// <inheritdoc/>
    public override double Dot(Vector other)
    {
        CheckSameSize(this, other);
        var sum = 0.0;
        if (other is DenseVector dense)
        {
            for (var i = 0; i < Indices.Length; i++)
            {
                sum += Values[i] * dense.Values[Indices[i]];
            }

            return sum;
        }

        var b = (SparseVector)other;
        for (int i = 0, j = 0; i < Indices.Length && j < b.Indices.Length;)
        {
            if (Indices[i] == b.Indices[j])
            {
                sum += Values[i++] * b.Values[j++];
            }
            else if (Indices[i] < b.Indices[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return sum;
    }

    /// <inheritdoc/>
    public override double[] ToArray()
    {
        var array = new double[_size];
        for (var i = 0; i < Indices.Length; i++)
        {
            array[Indices[i]] = Values[i];
        }

        return array;
    }

    /// <inheritdoc/>
    public override SparseVector ToSparse()
    {
        if (Array.IndexOf(Values, 0.0) < 0)
        {
            return this;
        }

        var keep = Values.Count(v => v != 0);
        var indices = new int[keep];
        var values = new double[keep];
        for (int i = 0, k = 0; i < Indices.Length; i++)
        {
            if (Values[i] != 0)
            {
                (indices[k], values[k]) = (Indices[i], Values[i]);
                k++;
            }
        }

        return new SparseVector(_size, indices, values);
    }

    /// <inheritdoc/>
    public override void ForEachActive(Action<int, double> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var i = 0; i < Indices.Length; i++)
        {
            action(Indices[i], Values[i]);
        }
    }

    /// <summary>Spark's form <c>(size,[indices],[values])</c>, invariant culture.</summary>
    public override string ToString() =>
        $"({_size.ToString(CultureInfo.InvariantCulture)},[{string.Join(',', Indices.Select(i => i.ToString(CultureInfo.InvariantCulture)))}]," +
        $"[{string.Join(',', Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}])";
}
