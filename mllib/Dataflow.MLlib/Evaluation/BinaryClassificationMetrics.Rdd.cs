namespace Dataflow.MLlib.Evaluation;

public static partial class BinaryClassificationMetrics
{
    /// <summary>
    /// <see cref="AreaUnderRoc(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/> over (label, score) pairs, exactly,
    /// by a distributed sort: the rows are reduced to one (positives, negatives) count per distinct score
    /// (<c>ReduceByKey</c>, combined map-side), the distinct scores range-partitioned and sorted (<c>SortByKey</c>),
    /// and one job folds each sorted partition into <see cref="RocSums"/> that the driver chains in partition order.
    /// The driver receives three numbers per partition; no row, score or histogram reaches it.
    /// </summary>
    /// <remarks>
    /// Why a sort rather than a score histogram: a histogram of finite resolution merges nearby distinct scores into
    /// one bin and so counts their pairs as ties, an error that depends on the scores' spread; exact tie handling
    /// needs every distinct score ordered. Reducing by score first makes tied scores (hard 0/1 predictions, rounded
    /// probabilities) cost one record each, and keeps heavy ties from skewing the sort's range partitions; with
    /// all-distinct scores it costs one extra shuffle of the pairs. Two jobs: the sort's sampling of the bounds (which
    /// runs the reduce's map side), and the fold (the sort's shuffle and the sums).
    /// </remarks>
    public static async Task<double> AreaUnderRocAsync(Rdd<(double Label, double Score)> data, double positiveLabel = 1.0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = data
            .Select(p =>
            {
                var positive = MetricChecks.NotNaN(p.Label, "label") == positiveLabel;
                return (Key: MetricChecks.NotNaN(p.Score, "score") + 0.0, Value: (Positives: positive ? 1L : 0L, Negatives: positive ? 0L : 1L));
            })
            .ReduceByKey(static (a, b) => (a.Positives + b.Positives, a.Negatives + b.Negatives))
            .SortByKey(ascending: true);

        // Each partition holds a contiguous range of distinct scores, ascending, and partition i's are below i + 1's.
        var partials = await counts.SelectPartitions(static items =>
        {
            var sums = new RocSums();
            foreach (var (_, count) in items)
            {
                sums = sums.Add(count.Positives, count.Negatives);
            }

            return new[] { (sums.Positives, sums.Negatives, sums.Pairs) };
        }).ToArrayAsync(cancellationToken);

        var total = new RocSums();
        foreach (var (positives, negatives, pairs) in partials)
        {
            total = total.Append(new RocSums(positives, negatives, pairs));
        }

        return total.AreaUnderRoc();
    }

    /// <summary><see cref="LogLoss(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double)"/> over (label, probability) pairs, in one job.</summary>
    public static async Task<double> LogLossAsync(Rdd<(double Label, double Probability)> data, double positiveLabel = 1.0,
        double epsilon = DefaultEpsilon, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        MetricChecks.Epsilon(epsilon);
        var (sum, count) = await data.TreeAggregateAsync((Sum: 0.0, Count: 0L), (acc, p) =>
        {
            var probability = MetricChecks.Probability(p.Probability);
            var pTrue = MetricChecks.NotNaN(p.Label, "label") == positiveLabel ? probability : 1 - probability;
            return (acc.Sum + MetricChecks.LogLossOf(pTrue, epsilon), acc.Count + 1);
        }, static (a, b) => (a.Sum + b.Sum, a.Count + b.Count), cancellationToken: cancellationToken);
        MetricChecks.NotEmpty(count);
        return sum / count;
    }
}
