namespace Dataflow.MLlib.Evaluation;

/// <summary>
/// Metrics of a binary classifier from scores or probabilities, with scikit-learn's and Spark's semantics: over
/// in-memory arrays here, over an <see cref="Rdd{T}"/> of (label, score) pairs in the <c>...Async</c> overloads (each an
/// engine job or two; the rows never reach the driver). A row is positive when its label equals the
/// <c>positiveLabel</c> (1 by default, so 0/1 and −1/+1 labels work as they are) and negative otherwise.
/// </summary>
/// <remarks>Spark: BinaryClassificationMetrics; scikit-learn: roc_auc_score, log_loss</remarks>
public static partial class BinaryClassificationMetrics
{
    /// <summary>The default clipping of probabilities in the log-loss (scikit-learn's former default, Spark's).</summary>
    public const double DefaultEpsilon = 1e-15;

    /// <summary>
    /// The exact area under the ROC curve: the probability that a random positive scores above a random negative,
    /// ties counting ½ (the Mann–Whitney U statistic over n⁺n⁻), which equals the trapezoid rule over the ROC points
    /// of the distinct scores. Throws <see cref="ArgumentException"/> without both classes.
    /// </summary>
    public static double AreaUnderRoc(ReadOnlySpan<double> labels, ReadOnlySpan<double> scores, double positiveLabel = 1.0)
    {
        MetricChecks.SameLength(labels.Length, scores.Length, nameof(scores));
        var keys = new double[scores.Length];
        var positive = new bool[scores.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            // + 0.0 turns −0 into +0, so that the two sort together as the equal scores they are.
            keys[i] = MetricChecks.NotNaN(scores[i], "score", i) + 0.0;
            positive[i] = MetricChecks.NotNaN(labels[i], "label", i) == positiveLabel;
        }

        Array.Sort(keys, positive);
        var sums = new RocSums();
        for (var i = 0; i < keys.Length;)
        {
            long pos = 0, neg = 0;
            var j = i;
            for (; j < keys.Length && keys[j] == keys[i]; j++)
            {
                _ = positive[j] ? pos++ : neg++;
            }

            sums = sums.Add(pos, neg);
            i = j;
        }

        return sums.AreaUnderRoc();
    }

    /// <summary>
    /// The mean log-loss −[y log p + (1 − y) log(1 − p)] of the probabilities of the positive class, each row's
    /// probability of its true class clipped below at <paramref name="epsilon"/> (so p = 0 or 1 stays finite): Spark's
    /// rule, the same as the multiclass log-loss on two classes. (scikit-learn clips p itself to [ε, 1 − ε], which
    /// differs only through the rounding of 1 − ε for a row predicted with certainty and wrongly.)
    /// </summary>
    public static double LogLoss(ReadOnlySpan<double> labels, ReadOnlySpan<double> probabilities, double positiveLabel = 1.0,
        double epsilon = DefaultEpsilon)
    {
        MetricChecks.SameLength(labels.Length, probabilities.Length, nameof(probabilities));
        MetricChecks.Epsilon(epsilon);
        var sum = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = MetricChecks.Probability(probabilities[i], i);
            sum += MetricChecks.LogLossOf(MetricChecks.NotNaN(labels[i], "label", i) == positiveLabel ? p : 1 - p, epsilon);
        }

        return sum / labels.Length;
    }
}
