using System.Globalization;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The argument checks every kernel runs before it touches an output: a call that throws has added nothing, and a
/// call that passes them can index its spans without bounds checks.
/// </summary>
internal static class KernelChecks
{
    /// <summary>Throws when <paramref name="actual"/> is not <paramref name="expected"/>, naming both and the rule.</summary>
    public static void Length(string kernel, string name, int actual, long expected, string rule)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{kernel}: {name} has {actual} entries but needs {expected} ({rule})."), name);
        }
    }

    /// <summary>Throws unless every row index lies in 0..Rows−1.</summary>
    public static void Rows(string kernel, InstanceBlock block, int[]? rows)
    {
        if (rows is null)
            return;
        for (var i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)block.Rows)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{kernel}: rows[{i}] is {rows[i]}, outside the block's {block.Rows} rows (0..{block.Rows - 1})."), nameof(rows));
            }
        }
    }

    /// <summary>Throws unless the label of every used row is 0 or 1.</summary>
    public static void BinaryLabels(string kernel, InstanceBlock block, int[]? rows)
    {
        var count = rows?.Length ?? block.Rows;
        for (var i = 0; i < count; i++)
        {
            var r = rows is null ? i : rows[i];
            var y = block.Labels[r];
            if (y is not (0.0 or 1.0))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{kernel}: row {r} has label {y}; binary logistic regression needs labels 0 or 1 (map the classes to 0..K-1 first)."), nameof(block));
            }
        }
    }

    /// <summary>Throws unless the label of every used row is a whole number in 0..classes−1.</summary>
    public static void ClassLabels(string kernel, InstanceBlock block, int classes, int[]? rows)
    {
        var count = rows?.Length ?? block.Rows;
        for (var i = 0; i < count; i++)
        {
            var r = rows is null ? i : rows[i];
            var y = block.Labels[r];
            if (!(y >= 0 && y < classes && y == Math.Floor(y)))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{kernel}: row {r} has label {y}; with {classes} classes labels must be 0..{classes - 1} (map the classes first)."), nameof(block));
            }
        }
    }

    /// <summary>Throws when there is no class or centre (K comes from the length of a span).</summary>
    public static void AtLeastOne(string kernel, string name, int count)
    {
        if (count < 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{kernel}: {name} is empty; at least one is needed."), name);
    }

    /// <summary>The checks of the binary linear kernels (logistic, least squares): shapes and rows.</summary>
    public static void Linear(string kernel, InstanceBlock block, ReadOnlySpan<double> coefficients, Span<double> gradient, int[]? rows)
    {
        ArgumentNullException.ThrowIfNull(block);
        Length(kernel, nameof(coefficients), coefficients.Length, block.Features, "one per feature");
        Length(kernel, nameof(gradient), gradient.Length, block.Features + 1L, $"Features + 1 = {block.Features} + 1, the intercept's last");
        Rows(kernel, block, rows);
    }

    /// <summary>The checks of <see cref="IBlockKernels.Multinomial"/>: shapes, rows and class labels.</summary>
    public static void Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows)
    {
        const string kernel = nameof(IBlockKernels.Multinomial);
        ArgumentNullException.ThrowIfNull(block);
        var k = intercepts.Length;
        var d = block.Features;
        AtLeastOne(kernel, nameof(intercepts), k);
        Length(kernel, nameof(coefficients), coefficients.Length, (long)k * d, $"K × Features = {k} × {d}");
        Length(kernel, nameof(gradient), gradient.Length, ((long)k * d) + k, $"K × Features + K = {k} × {d} + {k}");
        Rows(kernel, block, rows);
        ClassLabels(kernel, block, k, rows);
    }

    /// <summary>The checks of <see cref="IBlockKernels.Margins"/>.</summary>
    public static void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins)
    {
        const string kernel = nameof(IBlockKernels.Margins);
        ArgumentNullException.ThrowIfNull(block);
        var k = intercepts.Length;
        var d = block.Features;
        AtLeastOne(kernel, nameof(intercepts), k);
        Length(kernel, nameof(coefficients), coefficients.Length, (long)k * d, $"K × Features = {k} × {d}");
        Length(kernel, nameof(margins), margins.Length, (long)block.Rows * k, $"Rows × K = {block.Rows} × {k}");
    }

    /// <summary>The checks of <see cref="IBlockKernels.KMeansAssign"/>.</summary>
    public static void KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts)
    {
        const string kernel = nameof(IBlockKernels.KMeansAssign);
        Centers(kernel, block, centers, centerNorms);
        var k = centerNorms.Length;
        Length(kernel, nameof(sums), sums.Length, (long)k * block.Features, $"k × Features = {k} × {block.Features}");
        Length(kernel, nameof(counts), counts.Length, k, "k");
    }

    /// <summary>The checks of <see cref="IBlockKernels.NearestCenters"/>.</summary>
    public static void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances)
    {
        const string kernel = nameof(IBlockKernels.NearestCenters);
        Centers(kernel, block, centers, centerNorms);
        Length(kernel, nameof(nearest), nearest.Length, block.Rows, "one per row");
        Length(kernel, nameof(squaredDistances), squaredDistances.Length, block.Rows, "one per row");
    }

    private static void Centers(string kernel, InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms)
    {
        ArgumentNullException.ThrowIfNull(block);
        var k = centerNorms.Length;
        AtLeastOne(kernel, nameof(centerNorms), k);
        Length(kernel, nameof(centers), centers.Length, (long)k * block.Features, $"k × Features = {k} × {block.Features}, k from centerNorms");
    }
}
