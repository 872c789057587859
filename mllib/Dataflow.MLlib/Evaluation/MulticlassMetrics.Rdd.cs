namespace Dataflow.MLlib.Evaluation;

public static partial class MulticlassMetrics
{
    /// <summary><see cref="Accuracy(ReadOnlySpan{double}, ReadOnlySpan{double})"/> over (label, prediction) pairs, in one job.</summary>
    public static async Task<double> AccuracyAsync(Rdd<(double Label, double Prediction)> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (correct, count) = await data.TreeAggregateAsync((Correct: 0L, Count: 0L),
            static (acc, p) => (acc.Correct + (MetricChecks.NotNaN(p.Label, "label") == MetricChecks.NotNaN(p.Prediction, "prediction") ? 1 : 0),
                acc.Count + 1),
            static (a, b) => (a.Correct + b.Correct, a.Count + b.Count), cancellationToken: cancellationToken);
        MetricChecks.NotEmpty(count);
        return (double)correct / count;
    }

    /// <summary>
    /// <see cref="ConfusionMatrix(ReadOnlySpan{double}, ReadOnlySpan{double})"/> over (label, prediction) pairs: the
    /// pairs are counted by a <c>CountByValueAsync</c> (combined map-side), so the driver receives one count per
    /// distinct (label, prediction), at most K² of them.
    /// </summary>
    public static async Task<ConfusionMatrix> ConfusionMatrixAsync(Rdd<(double Label, double Prediction)> data,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = await data
            .Select(static p => (MetricChecks.NotNaN(p.Label, "label") + 0.0, MetricChecks.NotNaN(p.Prediction, "prediction") + 0.0))
            .CountByValueAsync(cancellationToken);
        MetricChecks.NotEmpty(counts.Count);
        return new ConfusionMatrix(counts.ToDictionary(kv => (kv.Key.Item1, kv.Key.Item2), kv => kv.Value));
    }

    /// <summary>
    /// <see cref="LogLoss(ReadOnlySpan{int}, IReadOnlyList{double[]}, double)"/> over (class index, probabilities)
    /// pairs, in one job.
    /// </summary>
    public static async Task<double> LogLossAsync(Rdd<(int Class, double[] Probabilities)> data,
        double epsilon = BinaryClassificationMetrics.DefaultEpsilon, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        MetricChecks.Epsilon(epsilon);
        var (sum, count) = await data.TreeAggregateAsync((Sum: 0.0, Count: 0L),
            (acc, p) => (acc.Sum + MetricChecks.LogLossOf(TrueClassProbability(p.Class, p.Probabilities), epsilon), acc.Count + 1),
            static (a, b) => (a.Sum + b.Sum, a.Count + b.Count), cancellationToken: cancellationToken);
        MetricChecks.NotEmpty(count);
        return sum / count;
    }
}
