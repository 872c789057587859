using System.Globalization;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Data;

/// <summary>
/// Packs the points of one partition into <see cref="InstanceBlock"/>s of at most <c>maxBytes</c> of feature data
/// each. Rows are copied into float32 buffers as they stream in (dense rows of a block that starts dense, CSR
/// entries of one that starts sparse), so the partition's point objects need not be held; when a block is complete
/// it is stored dense or CSR by <see cref="PreferSparse"/>.
/// </summary>
internal sealed class BlockPacker
{
    private readonly int _partition;
    private readonly long _maxBytes;
    private readonly double[]? _classes;
    private int _features = -1;
    private long _row;

    // The block being filled: dense rows (_values holds rows × features) or CSR (_values/_indices hold the entries).
    private bool _sparse;
    private int _rows;
    private long _nonZeros;
    private int _entries;
    private float[] _values = [];
    private int[] _indices = [];
    private int[] _offsets = [0];
    private double[] _labels = [];

    private BlockPacker(int partition, long maxBytes, double[]? classes, int? numFeatures)
    {
        _partition = partition;
        _maxBytes = maxBytes;
        _classes = classes;
        _features = numFeatures ?? -1;
    }

    /// <summary>
    /// Whether a block is stored as CSR: when that takes fewer bytes than dense, i.e. when
    /// <c>8·nnz + 4·(rows + 1) &lt; 4·rows·features</c> (about: under half the entries non-zero). This is Spark's rule for
    /// a block's matrix (<c>Matrix.compressed</c>: the smaller storage), in float32 with int32 indices.
    /// </summary>
    public static bool PreferSparse(long rows, long features, long nonZeros) =>
        (8 * nonZeros) + (4 * (rows + 1)) < 4 * rows * features;

    /// <summary>The blocks of one partition.</summary>
    /// <param name="partition">The partition index (for error messages).</param>
    /// <param name="points">The partition's points.</param>
    /// <param name="maxBytes">The most feature data per block.</param>
    /// <param name="classes">Label values of the classes (labels become class indices), or null to keep labels.</param>
    /// <param name="numFeatures">The feature count every row must have, or null for the first row's.</param>
    public static IEnumerable<InstanceBlock> Pack(int partition, IEnumerable<LabeledPoint> points, long maxBytes, double[]? classes, int? numFeatures)
    {
        var packer = new BlockPacker(partition, maxBytes, classes, numFeatures);
        foreach (var point in points)
        {
            if (packer.Add(point) is { } full)
            {
                yield return full;
            }
        }

        if (packer.Flush() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>Adds a row; returns the previous block when this row did not fit in it.</summary>
    private InstanceBlock? Add(LabeledPoint point)
    {
        var features = point.Features ?? throw new ArgumentException($"Row {_row} of partition {_partition} has no feature vector.");
        if (_features < 0)
        {
            _features = features.Size;
        }
        else if (features.Size != _features)
        {
            throw new ArgumentException(
                $"Row {Text(_row)} of partition {_partition} has {features.Size} features, the rows before it {_features}; all points of a data set need the same feature count.");
        }

        var label = Label(point.Label);
        InstanceBlock? full = null;
        if (_rows > 0 && !Fits(features))
        {
            full = Flush();
        }

        if (_rows == 0)
        {
            _sparse = features is SparseVector;
        }

        EnsureRowCapacity(_rows + 1);
        _labels[_rows] = label;
        if (_sparse)
        {
            AppendSparse(features);
        }
        else
        {
            AppendDense(features);
        }

        _rows++;
        _row++;
        _offsets[_rows] = _entries;
        return full;
    }

    /// <summary>Whether the block stays within the limit with this row added.</summary>
    private bool Fits(Vector features)
    {
        var bytes = _sparse
            ? (8L * (_entries + features.ActiveCount)) + (4L * (_rows + 2))
            : 4L * (_rows + 1) * Math.Max(1, _features);
        return bytes <= _maxBytes;
    }

    private void AppendDense(Vector features)
    {
        var start = _rows * _features;
        EnsureValueCapacity(start + _features);
        var row = _values.AsSpan(start, _features);
        switch (features)
        {
            case DenseVector dense:
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = ToFloat(dense.Values[j], j);
                    _nonZeros += row[j] != 0 ? 1 : 0;
                }

                break;
            case SparseVector sparse:
                row.Clear();
                for (var k = 0; k < sparse.Indices.Length; k++)
                {
                    row[sparse.Indices[k]] = ToFloat(sparse.Values[k], sparse.Indices[k]);
                    _nonZeros += row[sparse.Indices[k]] != 0 ? 1 : 0;
                }

                break;
        }
    }

    private void AppendSparse(Vector features)
    {
        EnsureValueCapacity(_entries + features.ActiveCount);
        var (indices, values) = features is SparseVector sparse ? (sparse.Indices, sparse.Values) : (null, ((DenseVector)features).Values);
        for (var k = 0; k < values.Length; k++)
        {
            var index = indices?[k] ?? k;
            var value = ToFloat(values[k], index);
            if (value != 0)
            {
                _indices[_entries] = index;
                _values[_entries++] = value;
            }
        }

        _nonZeros = _entries;
    }

    /// <summary>The block filled so far, stored as the smaller of dense and CSR; null when it is empty.</summary>
    private InstanceBlock? Flush()
    {
        if (_rows == 0)
        {
            return null;
        }

        var rows = _rows;
        var labels = Exact(_labels, rows);
        var sparse = PreferSparse(rows, _features, _nonZeros);
        InstanceBlock block;
        if (_sparse && sparse)
        {
            block = InstanceBlock.Sparse(_features, _offsets[..(rows + 1)], Exact(_indices, _entries), Exact(_values, _entries), labels);
        }
        else if (_sparse)
        {
            var dense = new float[rows * _features];
            for (var i = 0; i < rows; i++)
            {
                for (var k = _offsets[i]; k < _offsets[i + 1]; k++)
                {
                    dense[(i * _features) + _indices[k]] = _values[k];
                }
            }

            block = InstanceBlock.Dense(rows, _features, dense, labels);
        }
        else if (sparse)
        {
            block = DenseToCsr(rows, labels);
        }
        else
        {
            block = InstanceBlock.Dense(rows, _features, Exact(_values, rows * _features), labels);
        }

        // The next block starts with fresh arrays: the block owns these.
        (_rows, _entries, _nonZeros) = (0, 0, 0);
        (_values, _indices, _labels, _offsets) = ([], [], [], [0]);
        return block;
    }

    private InstanceBlock DenseToCsr(int rows, double[] labels)
    {
        var offsets = new int[rows + 1];
        var indices = new int[_nonZeros];
        var values = new float[_nonZeros];
        var k = 0;
        for (var i = 0; i < rows; i++)
        {
            var row = _values.AsSpan(i * _features, _features);
            for (var j = 0; j < row.Length; j++)
            {
                if (row[j] != 0)
                {
                    (indices[k], values[k]) = (j, row[j]);
                    k++;
                }
            }

            offsets[i + 1] = k;
        }

        return InstanceBlock.Sparse(_features, offsets, indices, values, labels);
    }

    private double Label(double label)
    {
        if (_classes is null)
        {
            return label;
        }

        var index = Array.BinarySearch(_classes, label);
        return index >= 0 && !double.IsNaN(label)
            ? index
            : throw new ArgumentException(
                $"Row {Text(_row)} of partition {_partition} has label {label.ToString("R", CultureInfo.InvariantCulture)}, which is not one of the classes " +
                $"({string.Join(", ", _classes.Select(c => c.ToString("R", CultureInfo.InvariantCulture)))}); index the classes of this data (ClassIndex.FitAsync) or drop the row.");
    }

    private float ToFloat(double value, int feature)
    {
        var f = (float)value;
        return !float.IsFinite(f) && double.IsFinite(value)
            ? throw new ArgumentException(
                $"Row {Text(_row)} of partition {_partition}: feature {feature} is {value.ToString("R", CultureInfo.InvariantCulture)}, beyond float32's range (±3.4e38); scale the data first (StandardScaler).")
            : f;
    }

    private void EnsureRowCapacity(int rows)
    {
        if (rows > _labels.Length)
        {
            var capacity = Grow(_labels.Length, rows, long.MaxValue);
            Array.Resize(ref _labels, capacity);
            Array.Resize(ref _offsets, capacity + 1);
        }
    }

    private void EnsureValueCapacity(long needed)
    {
        if (needed > _values.Length)
        {
            // Never beyond what the limit allows, so a full block's buffer is exactly its size.
            var cap = _sparse ? Math.Max(needed, _maxBytes / 8) : Math.Max(needed, _maxBytes / 4 / Math.Max(1, _features) * _features);
            var capacity = Grow(_values.Length, needed, cap);
            Array.Resize(ref _values, capacity);
            if (_sparse)
            {
                Array.Resize(ref _indices, capacity);
            }
        }
    }

    private static int Grow(int current, long needed, long cap) =>
        (int)Math.Min(Math.Min(Math.Max(needed, Math.Max(16, (long)current * 2)), cap), Array.MaxLength);

    private static T[] Exact<T>(T[] array, int length) => array.Length == length ? array : array[..length];

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}
