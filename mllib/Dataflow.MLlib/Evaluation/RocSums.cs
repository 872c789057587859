namespace Dataflow.MLlib.Evaluation;

/// <summary>
/// The running sums of the exact AUC over distinct scores taken in ascending order: positives and negatives so far,
/// and Σ over scores v of pos(v) · (negatives below v + ½ neg(v)), the Mann–Whitney count with ties as ½.
/// </summary>
internal readonly record struct RocSums(long Positives, long Negatives, double Pairs)
{
    /// <summary>Adds the next (higher) distinct score, held by <paramref name="positives"/> and <paramref name="negatives"/> rows.</summary>
    public RocSums Add(long positives, long negatives) =>
        new(Positives + positives, Negatives + negatives, Pairs + positives * (Negatives + 0.5 * negatives));

    /// <summary>Appends the sums of a range of higher scores, computed as if it started from nothing.</summary>
    public RocSums Append(RocSums higher) =>
        new(Positives + higher.Positives, Negatives + higher.Negatives, Pairs + higher.Pairs + (double)higher.Positives * Negatives);

    public double AreaUnderRoc()
    {
        if (Positives == 0 || Negatives == 0)
        {
            throw new ArgumentException(
                $"The area under the ROC curve needs both classes; got {Positives} positive and {Negatives} negative rows.");
        }

        return Pairs / ((double)Positives * Negatives);
    }
}
