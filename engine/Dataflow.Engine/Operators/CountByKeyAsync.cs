using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The number of pairs per key, as a dictionary on the driver. Counts are combined by a <c>ReduceByKey</c>
    /// (map-side first, so one record per key and map task crosses the shuffle; no shuffle when the RDD is already
    /// partitioned), then collected: the driver holds one entry per distinct key. Keys must not be <c>null</c>.
    /// </summary>
    /// <example><code>var perHost = await requests.Select(r => (r.Host, r)).CountByKeyAsync();</code></example>
    /// <remarks>Spark: countByKey</remarks>
    public static Task<Dictionary<TKey, long>> CountByKeyAsync<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        var ones = Narrow(source, static (_, _, items) => items.Select(static kv => (kv.Key, 1L)), true, nameof(CountByKeyAsync), callerFile, callerLine);
        return CountOnesAsync(ones, nameof(CountByKeyAsync), callerFile, callerLine, cancellationToken);
    }

    /// <summary>
    /// The number of occurrences of each distinct element, as a dictionary on the driver, counted as
    /// <c>CountByKeyAsync</c> does. Elements must not be <c>null</c>.
    /// </summary>
    /// <example><code>var histogram = await words.CountByValueAsync();</code></example>
    /// <remarks>Spark: countByValue</remarks>
    public static Task<Dictionary<T, long>> CountByValueAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        var ones = Narrow(source, static (_, _, items) => items.Select(static x => (x, 1L)), false, nameof(CountByValueAsync), callerFile, callerLine);
        return CountOnesAsync(ones, nameof(CountByValueAsync), callerFile, callerLine, cancellationToken);
    }

    private static async Task<Dictionary<TKey, long>> CountOnesAsync<TKey>(Rdd<(TKey Key, long Value)> ones, string operation,
        string callerFile, int callerLine, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var counts = ones.ReduceByKey(static (a, b) => a + b, null, callerFile, callerLine);
        counts.Name = operation;
        var callSite = new CallSite(operation, callerFile, callerLine);
        RddBase.EnsurePartitions(counts);
        var parts = new List<(TKey Key, long Value)>[counts.NumPartitions];
        await counts.Context.RunJobAsync(counts, static (_, items) => items.ToList(), null, (p, part) => parts[p] = part, callSite, cancellationToken)
            .ConfigureAwait(false);
        var result = new Dictionary<TKey, long>(parts.Sum(p => p.Count));
        foreach (var (key, count) in parts.SelectMany(p => p))
        {
            // Each key lives in exactly one reduce partition, so Add never meets a key twice.
            result.Add(key ?? throw new ArgumentNullException(nameof(ones), $"{callSite}: a key is null; the counts are returned in a dictionary, whose keys cannot be null."), count);
        }

        return result;
    }
}
