using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Splits the elements at random into <c>weights.Length</c> RDDs whose sizes are about proportional to
    /// <paramref name="weights"/> (normalised to sum to 1). Every element lands in exactly one split: each partition
    /// draws one uniform number per element from a generator seeded from <paramref name="seed"/> and the partition
    /// index (the same stream for every split), and split <c>i</c> keeps the elements whose number falls in
    /// <c>[w₀ + … + wᵢ₋₁, w₀ + … + wᵢ)</c>. So the splits are disjoint, together they are the input, and the same seed
    /// and partitioning give the same splits on every run. Each split recomputes the input when it is read: persist
    /// the input first when it is costly. The input must yield its elements in the same order each time it is
    /// computed (as files, cached and parallelised data do). Keeps the partitioner.
    /// </summary>
    /// <example><code>
    /// var splits = points.RandomSplit([0.8, 0.2], seed: 7);
    /// var (train, test) = (splits[0], splits[1]);
    /// </code></example>
    /// <param name="source">The input.</param>
    /// <param name="weights">One non-negative weight per split, finite, with a positive sum.</param>
    /// <param name="seed">Seed of the per-partition generators.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The splits, in the order of <paramref name="weights"/>.</returns>
    /// <remarks>Spark: randomSplit</remarks>
    public static Rdd<T>[] RandomSplit<T>(this Rdd<T> source, IReadOnlyList<double> weights, long seed,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(weights);
        var sum = 0.0;
        foreach (var w in weights)
        {
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w,
                    $"{new CallSite(nameof(RandomSplit), callerFile, callerLine)}: every weight must be finite and >= 0.");
            }

            sum += w;
        }

        if (weights.Count == 0 || !(sum > 0) || !double.IsFinite(sum))
        {
            throw new ArgumentException(
                $"{new CallSite(nameof(RandomSplit), callerFile, callerLine)}: the weights must be at least one and sum to a finite number > 0.",
                nameof(weights));
        }

        // Cumulative bounds; the last is exactly 1 so no draw in [0, 1) falls past it through rounding.
        var bounds = new double[weights.Count + 1];
        for (var i = 0; i < weights.Count; i++)
        {
            bounds[i + 1] = bounds[i] + (weights[i] / sum);
        }

        bounds[^1] = 1.0;
        var splits = new Rdd<T>[weights.Count];
        for (var i = 0; i < splits.Length; i++)
        {
            var (lower, upper) = (bounds[i], bounds[i + 1]);
            splits[i] = Narrow(source, (_, index, items) => SampleRange(items, lower, upper, SampleState(seed, index)),
                true, nameof(RandomSplit), callerFile, callerLine);
        }

        return splits;
    }

    private static IEnumerable<T> SampleRange<T>(IEnumerable<T> items, double lower, double upper, ulong state)
    {
        foreach (var item in items)
        {
            var x = SampleNextDouble(ref state);
            if (x >= lower && x < upper)
            {
                yield return item;
            }
        }
    }
}
