namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The rows of one partition packed once for the kernels: a dense row-major float32 matrix or a CSR matrix, with a
/// label and the float64 L2 norm of every row. Training caches an RDD of these and every iteration's kernels run over
/// them, never over per-row objects (Spark MLlib's <c>InstanceBlock</c>).
/// </summary>
/// <remarks>
/// Dense: <see cref="Values"/> holds <c>Rows × Features</c> values row-major; <see cref="Indices"/> and
/// <see cref="RowOffsets"/> are empty. Sparse (CSR): row <c>i</c> has the entries
/// <c>RowOffsets[i] .. RowOffsets[i + 1] - 1</c> of <see cref="Indices"/> (0-based, strictly ascending within a row)
/// and <see cref="Values"/>. The arrays are owned by the block and never written after it is built: kernels (and the
/// device copies a GPU kernel keeps) may rely on that.
/// </remarks>
public sealed class InstanceBlock
{
    /// <summary>Builds a block from its arrays, checking their shapes (use <see cref="Dense"/> or <see cref="Sparse"/>).</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="features">Number of features (columns).</param>
    /// <param name="isSparse">Whether the block is CSR.</param>
    /// <param name="values">Dense: <c>rows × features</c> values, row-major. CSR: the non-zero values.</param>
    /// <param name="indices">CSR column indices; empty when dense.</param>
    /// <param name="rowOffsets">CSR row offsets (<c>rows + 1</c> entries); empty when dense.</param>
    /// <param name="labels">One label per row: the class index 0..K−1 for classifiers, the target for regression.</param>
    /// <param name="norms">The L2 norm of every row, in float64.</param>
    public InstanceBlock(int rows, int features, bool isSparse, float[] values, int[] indices, int[] rowOffsets, double[] labels, double[] norms)
        : this(rows, features, isSparse, values, indices, rowOffsets, labels, norms, csrChecked: false)
    {
    }

    // csrChecked: the caller (Sparse) already ran CheckCsr, so the O(non-zeros) scan is not repeated.
    private InstanceBlock(int rows, int features, bool isSparse, float[] values, int[] indices, int[] rowOffsets, double[] labels, double[] norms, bool csrChecked)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(norms);
        if (labels.Length != rows || norms.Length != rows)
            throw new ArgumentException($"A block of {rows} rows needs {rows} labels and norms, got {labels.Length} and {norms.Length}.");
        if (isSparse)
        {
            if (!csrChecked)
                CheckCsr(rows, features, rowOffsets, indices, values.Length);
        }
        else if ((long)rows * features != values.Length || indices.Length != 0 || rowOffsets.Length != 0)
        {
            throw new ArgumentException($"A dense block of {rows} × {features} needs {(long)rows * features} values and no CSR arrays, got {values.Length}.");
        }

        Rows = rows;
        Features = features;
        IsSparse = isSparse;
        Values = values;
        Indices = indices;
        RowOffsets = rowOffsets;
        Labels = labels;
        Norms = norms;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of features (columns).</summary>
    public int Features { get; }

    /// <summary>Whether the block is CSR (else dense row-major).</summary>
    public bool IsSparse { get; }

    /// <summary>Dense: all values row-major; CSR: the non-zero values.</summary>
    public float[] Values { get; }

    /// <summary>CSR column indices (0-based, ascending per row); empty when dense.</summary>
    public int[] Indices { get; }

    /// <summary>CSR row offsets, <c>Rows + 1</c> entries; empty when dense.</summary>
    public int[] RowOffsets { get; }

    /// <summary>One label per row.</summary>
    public double[] Labels { get; }

    /// <summary>The float64 L2 norm of every row.</summary>
    public double[] Norms { get; }

    /// <summary>Bytes of feature data (values, plus indices and offsets when sparse): what one pass over the block reads.</summary>
    public long FeatureBytes => (long)Values.Length * sizeof(float) + (long)Indices.Length * sizeof(int) + (long)RowOffsets.Length * sizeof(int);

    /// <summary>Packs dense rows; norms are computed here.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="features">Number of features.</param>
    /// <param name="values"><c>rows × features</c> values, row-major (owned by the block from now on).</param>
    /// <param name="labels">One label per row (owned by the block from now on).</param>
    public static InstanceBlock Dense(int rows, int features, float[] values, double[] labels)
    {
        ArgumentNullException.ThrowIfNull(values);
        var norms = new double[rows];
        if ((long)rows * features == values.Length)
        {
            for (var i = 0; i < rows; i++)
                norms[i] = Norm(values.AsSpan(i * features, features));
        }

        return new InstanceBlock(rows, features, isSparse: false, values, [], [], labels, norms);
    }

    /// <summary>Packs CSR rows; norms are computed here.</summary>
    /// <param name="features">Number of features.</param>
    /// <param name="rowOffsets"><c>rows + 1</c> offsets into <paramref name="indices"/> and <paramref name="values"/>.</param>
    /// <param name="indices">Column indices, 0-based, ascending within a row, each below <paramref name="features"/>.</param>
    /// <param name="values">The non-zero values.</param>
    /// <param name="labels">One label per row.</param>
    public static InstanceBlock Sparse(int features, int[] rowOffsets, int[] indices, float[] values, double[] labels)
    {
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        var rows = Math.Max(0, rowOffsets.Length - 1);
        CheckCsr(rows, features, rowOffsets, indices, values.Length);
        var norms = new double[rows];
        for (var i = 0; i < rows; i++)
            norms[i] = Norm(values.AsSpan(rowOffsets[i], rowOffsets[i + 1] - rowOffsets[i]));
        return new InstanceBlock(rows, features, isSparse: true, values, indices, rowOffsets, labels, norms, csrChecked: true);
    }

    // Every CSR block is checked here, however it was built (the public constructor is also what deserialisation
    // uses): kernels index the model with these offsets and indices without bounds checks (the GPU ones cannot have
    // them), so an index outside 0..features-1 or a decreasing offset must never reach them.
    private static void CheckCsr(int rows, int features, int[] rowOffsets, int[] indices, int valueCount)
    {
        if (rowOffsets.Length != rows + 1 || rowOffsets[0] != 0 || rowOffsets[rows] != valueCount || indices.Length != valueCount)
            throw new ArgumentException($"A CSR block of {rows} rows needs {rows + 1} row offsets from 0 to the value count ({valueCount}) and one index per value.");
        for (var i = 0; i < rows; i++)
        {
            if (rowOffsets[i + 1] < rowOffsets[i])
                throw new ArgumentException($"Row {i} of a CSR block has decreasing row offsets {rowOffsets[i]} and {rowOffsets[i + 1]}.");
            for (var j = rowOffsets[i]; j < rowOffsets[i + 1]; j++)
            {
                if ((uint)indices[j] >= (uint)features || (j > rowOffsets[i] && indices[j] <= indices[j - 1]))
                    throw new ArgumentException($"Row {i} of a CSR block has column index {indices[j]} out of order or outside 0..{features - 1}.");
            }
        }
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var v in values)
            sum += (double)v * v;
        return Math.Sqrt(sum);
    }
}
