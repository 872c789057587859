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
}
