using System.Globalization;
using System.Numerics.Tensors;
using MessagePack;

namespace Dataflow.MLlib.Linalg;

/// <summary>A vector storing every value; create it with <see cref="Vectors.Dense(double[])"/>.</summary>
/// <example><code>var v = Vectors.Dense(1.0, 0.0, 3.0); // v[2] == 3, v.Norm() == √10</code></example>
/// <remarks>Spark: org.apache.spark.ml.linalg.DenseVector</remarks>
[MessagePackObject]
public sealed class DenseVector : Vector
{
    /// <summary>Wraps <paramref name="values"/> (kept, not copied).</summary>
    /// <param name="values">The entries.</param>
    public DenseVector(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
    }

    /// <summary>The entries (the array the vector was built from).</summary>
    [Key(0)]
    public double[] Values { get; }

    /// <inheritdoc/>
    [IgnoreMember]
    public override int Size => Values.Length;

    /// <inheritdoc/>
    [IgnoreMember]
    public override int ActiveCount => Values.Length;

    /// <inheritdoc/>
    [IgnoreMember]
    public override double this[int index] => Values[index];

    /// <inheritdoc/>
    public override double Dot(Vector other)
    {
        CheckSameSize(this, other);
        return other is DenseVector dense ? TensorPrimitives.Dot(Values, dense.Values) : other.Dot(this);
    }

    /// <inheritdoc/>
    public override double[] ToArray() => (double[])Values.Clone();

    /// <inheritdoc/>
    public override SparseVector ToSparse()
    {
        var count = 0;
        foreach (var v in Values)
        {
            if (v != 0)
            {
                count++;
            }
        }

        var indices = new int[count];
        var values = new double[count];
        var k = 0;
        for (var i = 0; i < Values.Length; i++)
        {
            if (Values[i] != 0)
            {
                (indices[k], values[k]) = (i, Values[i]);
                k++;
            }
        }

        return new SparseVector(Values.Length, indices, values);
    }

    /// <inheritdoc/>
    public override void ForEachActive(Action<int, double> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var i = 0; i < Values.Length; i++)
        {
            action(i, Values[i]);
        }
    }

    /// <summary>The entries as <c>[1,0,3]</c> (invariant culture, round-trip precision).</summary>
    public override string ToString() => $"[{string.Join(',', Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]";
}
