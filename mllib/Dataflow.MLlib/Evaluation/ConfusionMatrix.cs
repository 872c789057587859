namespace Dataflow.MLlib.Evaluation;

/// <summary>
/// Counts of rows by (actual label, predicted label), scikit-learn's layout: row i is actual label
/// <c>Labels[i]</c>, column j predicted label <c>Labels[j]</c>, and <see cref="Labels"/> the sorted union of the label
/// and prediction values seen.
/// </summary>
/// <remarks>Spark: MulticlassMetrics.confusionMatrix; scikit-learn: confusion_matrix</remarks>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;
    private readonly Dictionary<double, int> _index;

    internal ConfusionMatrix(IReadOnlyDictionary<(double Label, double Prediction), long> counts)
    {
        var labels = counts.Keys.SelectMany(k => new[] { k.Label, k.Prediction }).Distinct().Order().ToArray();
        _index = labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);
        _counts = new long[labels.Length, labels.Length];
        foreach (var ((label, prediction), count) in counts)
        {
            _counts[_index[label], _index[prediction]] += count;
        }

        Labels = labels;
    }

    /// <summary>The label values, ascending: the rows' and columns' meaning.</summary>
    public IReadOnlyList<double> Labels { get; }

    /// <summary>Rows counted.</summary>
    public long Total => _counts.Cast<long>().Sum();

    /// <summary>The rows with actual label <c>Labels[actual]</c> predicted as <c>Labels[predicted]</c>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>The rows with actual label <paramref name="actual"/> predicted as <paramref name="predicted"/> (0 for values not seen).</summary>
    public long Count(double actual, double predicted) =>
        _index.TryGetValue(actual, out var i) && _index.TryGetValue(predicted, out var j) ? _counts[i, j] : 0;

    /// <summary>A copy of the counts, [actual, predicted].</summary>
    public long[,] ToArray() => (long[,])_counts.Clone();
}
