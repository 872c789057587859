using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Above this mean a Poisson draw is split into draws of this mean (their sum is Poisson too), so <c>exp(-mean)</c> never underflows.</summary>
    private const double SamplePoissonChunk = 16;

    /// <summary>SplitMix64's increment (2^64 divided by the golden ratio).</summary>
    private const ulong SampleGolden = 0x9E3779B97F4A7C15;

    /// <summary>
    /// A random sample of about <paramref name="fraction"/> of the elements, in their original order. Without
    /// replacement each element is kept with probability <paramref name="fraction"/> (at most 1), so none appears twice;
    /// with replacement each element appears a Poisson(<paramref name="fraction"/>)-distributed number of times
    /// (<paramref name="fraction"/> is then the expected number of copies and may exceed 1). The size of the sample is
    /// not exact. Each partition draws from its own generator seeded from <paramref name="seed"/> and the partition
    /// index, so the same seed and partitioning give the same sample on every run. Keeps the partitioner.
    /// </summary>
    /// <example><code>var tenth = events.Sample(withReplacement: false, fraction: 0.1, seed: 42);</code></example>
    /// <remarks>Spark: sample</remarks>
    public static Rdd<T> Sample<T>(this Rdd<T> source, bool withReplacement, double fraction, long seed,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        if (!double.IsFinite(fraction) || fraction < 0 || (!withReplacement && fraction > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction,
                withReplacement
                    ? $"{new CallSite(nameof(Sample), callerFile, callerLine)}: with replacement the fraction is the expected number of copies of each element and must be finite and >= 0."
                    : $"{new CallSite(nameof(Sample), callerFile, callerLine)}: without replacement the fraction is a probability and must be in [0, 1].");
        }

        return Narrow(source, (_, index, items) => withReplacement
            ? SamplePoisson(items, fraction, SampleState(seed, index))
            : SampleBernoulli(items, fraction, SampleState(seed, index)),
            true, nameof(Sample), callerFile, callerLine);
    }

    private static IEnumerable<T> SampleBernoulli<T>(IEnumerable<T> items, double fraction, ulong state)
    {
        foreach (var item in items)
        {
            if (SampleNextDouble(ref state) < fraction)
            {
                yield return item;
            }
        }
    }

    private static IEnumerable<T> SamplePoisson<T>(IEnumerable<T> items, double mean, ulong state)
    {
        foreach (var item in items)
        {
            for (var copies = SamplePoissonDraw(ref state, mean); copies > 0; copies--)
            {
                yield return item;
            }
        }
    }

    /// <summary>Knuth's method: the number of uniform draws whose running product stays above <c>exp(-mean)</c>.</summary>
    private static long SamplePoissonDraw(ref ulong state, double mean)
    {
        long copies = 0;
        for (var remaining = mean; remaining > 0; remaining -= SamplePoissonChunk)
        {
            var limit = Math.Exp(-Math.Min(remaining, SamplePoissonChunk));
            for (var product = SampleNextDouble(ref state); product > limit; product *= SampleNextDouble(ref state))
            {
                copies++;
            }
        }

        return copies;
    }

    /// <summary>
    /// The generator state of one partition: (seed, index) mixed so that neighbouring seeds and partitions get
    /// unrelated streams. The generator is SplitMix64, written out here rather than <see cref="Random"/>, whose
    /// seeded sequence .NET does not promise to keep across versions: a sample must not change with the runtime.
    /// </summary>
    private static ulong SampleState(long seed, int partitionIndex) =>
        SampleMix(unchecked((ulong)seed + SampleMix((ulong)partitionIndex + SampleGolden)));

    /// <summary>The next SplitMix64 output as a double in [0, 1).</summary>
    private static double SampleNextDouble(ref ulong state)
    {
        state = unchecked(state + SampleGolden);
        return (SampleMix(state) >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong SampleMix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
