namespace Dataflow;

/// <summary>
/// The driver-side arithmetic of <c>TakeSampleAsync</c>: how large a fraction to sample so that one pass almost
/// always yields enough elements (Spark's <c>SamplingUtils</c>), and the seeded generator that picks each pass's seed
/// and shuffles the sample. The generator is SplitMix64 written out, not <see cref="Random"/>, whose seeded sequence
/// .NET does not promise to keep across versions: a sample must depend on the seed only.
/// </summary>
internal static class TakeSampler
{
    /// <summary>The largest sample size accepted: leaves ten standard deviations of headroom below <see cref="int.MaxValue"/>.</summary>
    public const int MaxSampleSize = int.MaxValue - 463_409;

    private const ulong Golden = 0x9E3779B97F4A7C15;

    /// <summary>
    /// A sampling fraction that yields at least <paramref name="count"/> of <paramref name="total"/> elements with
    /// probability about 0.9999: the Poisson upper bound for sampling with replacement (a mean number of copies, may
    /// exceed 1), the binomial one without (a probability, at most 1).
    /// </summary>
    /// <remarks>Spark: SamplingUtils.computeFractionForSampleSize</remarks>
    public static double FractionFor(int count, long total, bool withReplacement)
    {
        if (withReplacement)
        {
            var numStd = count < 6 ? 12.0 : count < 16 ? 9.0 : 6.0;
            return Math.Max(count + numStd * Math.Sqrt(count), 1e-10) / total;
        }

        const double delta = 1e-4;
        var fraction = (double)count / total;
        var gamma = -Math.Log(delta) / total;
        return Math.Min(1, Math.Max(1e-10, fraction + gamma + Math.Sqrt(gamma * gamma + 2 * gamma * fraction)));
    }

    /// <summary>The next 64 random bits of the SplitMix64 stream whose state is <paramref name="state"/>.</summary>
    public static ulong Next(ref ulong state)
    {
        unchecked
        {
            state += Golden;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Fisher–Yates from the end, as Spark's <c>Utils.randomizeInPlace</c>.</summary>
    public static void Shuffle<T>(List<T> items, ref ulong state)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            // Multiply-shift maps 32 random bits onto [0, i]; the bias (i / 2^32) is far below anything measurable.
            var j = (int)(((Next(ref state) >> 32) * (ulong)(i + 1)) >> 32);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
