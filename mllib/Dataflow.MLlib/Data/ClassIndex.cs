using System.Globalization;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Data;

/// <summary>
/// The classes of a classification data set: its distinct label values sorted ascending, class <c>k</c> being the
/// <c>k</c>-th smallest. So 0/1, −1/+1 and 1..K labels all become classes 0..K−1, and a model keeps this index to
/// predict the original label values.
/// </summary>
/// <example><code>
/// var classes = await ClassIndex.FitAsync(points, cancellationToken: ct); // labels −1, +1
/// classes.IndexOf(+1.0) == 1; classes.LabelOf(0) == -1.0;
/// </code></example>
/// <remarks>Spark: the label handling of LogisticRegression (which requires labels 0..K−1) with StringIndexer's role</remarks>
public sealed class ClassIndex
{
    /// <summary>The default most classes <see cref="FitAsync"/> accepts.</summary>
    public const int DefaultMaxClasses = 1_000;

    /// <summary>Builds the index from its label values.</summary>
    /// <param name="labels">Distinct finite label values, strictly ascending (kept, not copied).</param>
    /// <exception cref="ArgumentException">A label is not finite, or the labels are not strictly ascending.</exception>
    public ClassIndex(double[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (var i = 0; i < labels.Length; i++)
        {
            if (!double.IsFinite(labels[i]) || (i > 0 && labels[i] <= labels[i - 1]))
            {
                throw new ArgumentException($"Class labels must be finite and strictly ascending; label {i} is {Text(labels[i])}.", nameof(labels));
            }
        }

        Labels = labels;
    }

    /// <summary>The label value of each class, ascending.</summary>
    public double[] Labels { get; }

    /// <summary>The number of classes, K.</summary>
    public int Count => Labels.Length;

    /// <summary>The class of a label value.</summary>
    /// <param name="label">One of <see cref="Labels"/>.</param>
    /// <exception cref="ArgumentException">The label is not one of the classes (e.g. test data with a label the
    /// training data did not have).</exception>
    public int IndexOf(double label) => TryIndexOf(label, out var index)
        ? index
        : throw new ArgumentException(
            $"Label {Text(label)} is not one of the {Count} classes ({string.Join(", ", Labels.Select(Text))}) the training data had.", nameof(label));

    /// <summary>The class of a label value, if it is one.</summary>
    /// <param name="label">A label value.</param>
    /// <param name="index">The class, or −1.</param>
    public bool TryIndexOf(double label, out int index)
    {
        index = Array.BinarySearch(Labels, label);
        if (index < 0 || double.IsNaN(label))
        {
            index = -1;
            return false;
        }

        return true;
    }

    /// <summary>The label value of a class.</summary>
    /// <param name="classIndex">0..K−1.</param>
    public double LabelOf(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, Count);
        return Labels[classIndex];
    }

    /// <summary>
    /// The distinct labels of <paramref name="points"/>, found by one job (each partition sends its own distinct
    /// labels to the driver).
    /// </summary>
    /// <param name="points">The training data.</param>
    /// <param name="maxClasses">The most distinct labels accepted; more usually means a regression target.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <exception cref="JobFailedException">With an <see cref="ArgumentException"/>: a label is not finite, or a partition
    /// holds more than <paramref name="maxClasses"/> distinct labels.</exception>
    /// <exception cref="ArgumentException">The data holds more than <paramref name="maxClasses"/> distinct labels.</exception>
    public static async Task<ClassIndex> FitAsync(Rdd<LabeledPoint> points, int maxClasses = DefaultMaxClasses,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxClasses);
        var partials = await points
            .SelectPartitions(rows => new[] { DistinctLabels(rows, maxClasses) }, false, callerFile, callerLine)
            .ToListAsync(cancellationToken, callerFile, callerLine);
        var all = new SortedSet<double>(partials.SelectMany(p => p));
        if (all.Count > maxClasses)
        {
            throw TooMany(maxClasses);
        }

        return new ClassIndex([.. all]);
    }

    private static double[] DistinctLabels(IEnumerable<LabeledPoint> rows, int maxClasses)
    {
        var seen = new HashSet<double>();
        foreach (var point in rows)
        {
            if (!double.IsFinite(point.Label))
            {
                throw new ArgumentException($"Label {Text(point.Label)} is not a finite number; every point needs a class label such as 0/1, −1/+1 or 1..K.");
            }

            // + 0.0 turns −0 into +0, so the two count as one class.
            if (seen.Add(point.Label + 0.0) && seen.Count > maxClasses)
            {
                throw TooMany(maxClasses);
            }
        }

        return [.. seen];
    }

    private static ArgumentException TooMany(int maxClasses) => new(
        $"The labels take more than {maxClasses} distinct values, too many for classes (is it a regression target?); " +
        "classification needs class labels such as 0/1, −1/+1 or 1..K, or raise maxClasses.");

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The labels, e.g. <c>classes [-1, 1]</c>.</summary>
    public override string ToString() => $"classes [{string.Join(", ", Labels.Select(Text))}]";
}
