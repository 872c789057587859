using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Runs the key/value RDD and returns its pairs as a dictionary on the driver. A key that occurs twice throws
    /// <see cref="ArgumentException"/> naming the key, as LINQ's <c>ToDictionary</c> does; a <c>null</c> key throws
    /// <see cref="ArgumentNullException"/>.
    /// </summary>
    /// <remarks>Spark: collectAsMap (which keeps the last value of a duplicate key instead of throwing)</remarks>
    public static Task<Dictionary<TKey, TValue>> ToDictionaryAsync<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TKey : notnull =>
        source.ToDictionaryAsync(null, cancellationToken, callerFile, callerLine);

    /// <summary>As <see cref="ToDictionaryAsync{TKey, TValue}(Rdd{ValueTuple{TKey, TValue}}, CancellationToken, string, int)"/>, comparing keys with <paramref name="comparer"/> (default equality when <c>null</c>).</summary>
    /// <remarks>Spark: collectAsMap</remarks>
    public static Task<Dictionary<TKey, TValue>> ToDictionaryAsync<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        IEqualityComparer<TKey>? comparer, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        return CollectDictionaryAsync(source, comparer, new CallSite(nameof(ToDictionaryAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>
    /// Returns the elements as a dictionary keyed by <paramref name="keySelector"/> (run in the tasks). A key that
    /// occurs twice throws <see cref="ArgumentException"/> naming the key, as LINQ does.
    /// </summary>
    /// <remarks>Spark: keyBy + collectAsMap</remarks>
    public static Task<Dictionary<TKey, T>> ToDictionaryAsync<T, TKey>(this Rdd<T> source, Func<T, TKey> keySelector,
        IEqualityComparer<TKey>? comparer = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        return source.ToDictionaryAsync(keySelector, static x => x, comparer, cancellationToken, callerFile, callerLine);
    }

    /// <summary>
    /// Returns a dictionary from <paramref name="keySelector"/> to <paramref name="elementSelector"/> of each element
    /// (both run in the tasks). A key that occurs twice throws <see cref="ArgumentException"/> naming the key.
    /// </summary>
    /// <remarks>Spark: map + collectAsMap</remarks>
    public static Task<Dictionary<TKey, TElement>> ToDictionaryAsync<T, TKey, TElement>(this Rdd<T> source, Func<T, TKey> keySelector,
        Func<T, TElement> elementSelector, IEqualityComparer<TKey>? comparer = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(elementSelector);
        RejectAsyncResult<TElement>(nameof(ToDictionaryAsync), callerFile, callerLine);
        var pairs = Narrow(source, (_, _, items) => items.Select(x => (keySelector(x), elementSelector(x))), false,
            nameof(ToDictionaryAsync), callerFile, callerLine);
        return CollectDictionaryAsync(pairs, comparer, new CallSite(nameof(ToDictionaryAsync), callerFile, callerLine), cancellationToken);
    }

    private static async Task<Dictionary<TKey, TValue>> CollectDictionaryAsync<TKey, TValue>(Rdd<(TKey Key, TValue Value)> pairs,
        IEqualityComparer<TKey>? comparer, CallSite callSite, CancellationToken cancellationToken)
        where TKey : notnull
    {
        RddBase.EnsurePartitions(pairs);
        var parts = new List<(TKey Key, TValue Value)>[pairs.NumPartitions];
        await pairs.Context.RunJobAsync(pairs, static (_, items) => items.ToList(), null, (p, list) => parts[p] = list, callSite, cancellationToken)
            .ConfigureAwait(false);

        // Inserted in partition order, so the duplicate reported is the one LINQ would report over the same sequence.
        var result = new Dictionary<TKey, TValue>(parts.Sum(p => p.Count), comparer);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                if (key is null)
                {
                    throw new ArgumentNullException(nameof(pairs), $"{callSite}: a key is null; dictionary keys cannot be null.");
                }

                if (!result.TryAdd(key, value))
                {
                    throw new ArgumentException($"{callSite}: an item with the same key has already been added. Key: {key}");
                }
            }
        }

        return result;
    }
}
