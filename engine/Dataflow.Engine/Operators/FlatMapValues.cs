using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Maps each value to a sequence and pairs every item of it with the value's key; keys are unchanged, so the
    /// partitioner is kept.
    /// </summary>
    /// <example><code>var words = docs.FlatMapValues(text => text.Split(' ')); // (docId, word)</code></example>
    /// <remarks>Spark: flatMapValues</remarks>
    public static Rdd<(TKey Key, TResult Value)> FlatMapValues<TKey, TValue, TResult>(this Rdd<(TKey Key, TValue Value)> source,
        Func<TValue, IEnumerable<TResult>> selector, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        RejectAsyncResult<TResult>(nameof(FlatMapValues), callerFile, callerLine);
        return Narrow(source, (_, _, items) => items.SelectMany(kv => selector(kv.Value), (kv, v) => (kv.Key, v)), true,
            nameof(FlatMapValues), callerFile, callerLine);
    }
}
