using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// A random sample of exactly <paramref name="count"/> elements (fewer only when sampling without replacement
    /// from a smaller RDD, which returns all of them shuffled). Without replacement an element is never picked twice.
    /// Counts the RDD, <c>Sample</c>s it with a fraction large enough that one pass almost always suffices (it
    /// repeats with a new seed otherwise), and shuffles the sample on the driver, so the driver never holds much more
    /// than the sample. The same <paramref name="seed"/> over the same partitions gives the same sample; <c>null</c>
    /// picks a random seed.
    /// </summary>
    /// <example><code>var preview = await records.TakeSampleAsync(withReplacement: false, 20, seed: 42);</code></example>
    /// <remarks>Spark: takeSample</remarks>
    public static async Task<List<T>> TakeSampleAsync<T>(this Rdd<T> source, bool withReplacement, int count, long? seed = null,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, TakeSampler.MaxSampleSize);
        var callSite = new CallSite(nameof(TakeSampleAsync), callerFile, callerLine);
        if (count == 0)
        {
            return [];
        }

        var total = await CountCoreAsync(source, callSite, cancellationToken).ConfigureAwait(false);
        if (total == 0)
        {
            return [];
        }

        var state = unchecked((ulong)(seed ?? Random.Shared.NextInt64()));
        if (!withReplacement && count >= total)
        {
            var all = await CollectInPartitionOrderAsync(source, callSite, cancellationToken).ConfigureAwait(false);
            TakeSampler.Shuffle(all, ref state);
            return all;
        }

        var fraction = TakeSampler.FractionFor(count, total, withReplacement);
        List<T> sample;
        do
        {
            // Rare: the fraction is chosen so that a second pass is needed about once in 10,000 samples.
            var sampled = source.Sample(withReplacement, fraction, unchecked((long)TakeSampler.Next(ref state)), callerFile, callerLine);
            sample = await CollectInPartitionOrderAsync(sampled, callSite, cancellationToken).ConfigureAwait(false);
        }
        while (sample.Count < count);

        TakeSampler.Shuffle(sample, ref state);
        sample.RemoveRange(count, sample.Count - count);
        return sample;
    }

    /// <summary>All elements on the driver in partition order (as <c>ToListAsync</c>), under the caller's call site.</summary>
    private static async Task<List<T>> CollectInPartitionOrderAsync<T>(Rdd<T> source, CallSite callSite, CancellationToken cancellationToken)
    {
        RddBase.EnsurePartitions(source);
        var parts = new List<T>[source.NumPartitions];
        await source.Context.RunJobAsync(source, static (_, items) => items.ToList(), null, (p, list) => parts[p] = list, callSite, cancellationToken)
            .ConfigureAwait(false);
        var result = new List<T>(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            result.AddRange(part);
        }

        return result;
    }
}
