namespace Dataflow.MLlib.Evaluation;

/// <summary>
/// Metrics of a classifier's predicted labels (any number of classes), with scikit-learn's semantics: over in-memory
/// arrays here, over an <see cref="Rdd{T}"/> of (label, prediction) pairs in the <c>...Async</c> overloads, which
/// aggregate in engine jobs (the rows never reach the driver).
/// </summary>
/// <remarks>Spark: MulticlassMetrics; scikit-learn: accuracy_score, confusion_matrix, log_loss</remarks>
public static partial class MulticlassMetrics
{
    /// <summary>The share of rows whose prediction equals the label exactly.</summary>
    public static double Accuracy(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricChecks.SameLength(labels.Length, predictions.Length, nameof(predictions));
        var correct = 0L;
        for (var i = 0; i < labels.Length; i++)
        {
            correct += MetricChecks.NotNaN(labels[i], "label", i) == MetricChecks.NotNaN(predictions[i], "prediction", i) ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }

    /// <summary>The confusion matrix of actual labels × predictions.</summary>
    public static ConfusionMatrix ConfusionMatrix(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricChecks.SameLength(labels.Length, predictions.Length, nameof(predictions));
        var counts = new Dictionary<(double, double), long>();
        for (var i = 0; i < labels.Length; i++)
        {
            var key = (MetricChecks.NotNaN(labels[i], "label", i) + 0.0, MetricChecks.NotNaN(predictions[i], "prediction", i) + 0.0);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return new ConfusionMatrix(counts);
    }

    /// <summary>
    /// The mean multinomial log-loss −log p(true class): <paramref name="classes"/> holds each row's class as an index
    /// into its row of <paramref name="probabilities"/> (a model's classes 0..K−1), and each probability of the true
    /// class is clipped below at <paramref name="epsilon"/>. Rows are not renormalised.
    /// </summary>
    public static double LogLoss(ReadOnlySpan<int> classes, IReadOnlyList<double[]> probabilities,
        double epsilon = BinaryClassificationMetrics.DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        MetricChecks.SameLength(classes.Length, probabilities.Count, nameof(probabilities));
        MetricChecks.Epsilon(epsilon);
        var sum = 0.0;
        for (var i = 0; i < classes.Length; i++)
        {
            sum += MetricChecks.LogLossOf(TrueClassProbability(classes[i], probabilities[i], i), epsilon);
        }

        return sum / classes.Length;
    }

    internal static double TrueClassProbability(int @class, double[] probabilities, long row = -1)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if ((uint)@class >= (uint)probabilities.Length)
        {
            var where = row >= 0 ? $"row {row} has" : "a row has";
            throw new ArgumentException($"{where} class {@class} but {probabilities.Length} probabilities; classes are indices 0..K−1.");
        }

        return MetricChecks.Probability(probabilities[@class], row);
    }
}
