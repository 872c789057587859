using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Pairs each element with the key computed by <paramref name="keySelector"/>.</summary>
    /// <remarks>Spark: keyBy</remarks>
    public static Rdd<(TKey Key, T Value)> KeyBy<T, TKey>(this Rdd<T> source, Func<T, TKey> keySelector,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        return Narrow(source, (_, _, items) => items.Select(x => (keySelector(x), x)), false, nameof(KeyBy), callerFile, callerLine);
    }

    /// <summary>Transforms each value, keeping keys and therefore the partitioner.</summary>
    /// <remarks>Spark: mapValues</remarks>
    public static Rdd<(TKey Key, TResult Value)> MapValues<TKey, TValue, TResult>(this Rdd<(TKey Key, TValue Value)> source,
        Func<TValue, TResult> selector, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        RejectAsyncResult<TResult>(nameof(MapValues), callerFile, callerLine);
        return Narrow(source, (_, _, items) => items.Select(kv => (kv.Key, selector(kv.Value))), true, nameof(MapValues), callerFile, callerLine);
    }

    /// <summary>The keys of a key/value RDD.</summary>
    /// <remarks>Spark: keys</remarks>
    public static Rdd<TKey> Keys<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        Narrow(source, (_, _, items) => items.Select(kv => kv.Key), false, nameof(Keys), callerFile, callerLine);

    /// <summary>The values of a key/value RDD.</summary>
    /// <remarks>Spark: values</remarks>
    public static Rdd<TValue> Values<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        Narrow(source, (_, _, items) => items.Select(kv => kv.Value), false, nameof(Values), callerFile, callerLine);
}
