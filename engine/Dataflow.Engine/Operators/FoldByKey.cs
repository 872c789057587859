using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Folds the values of each key with <paramref name="func"/>, starting each key of each partition from its own
    /// copy of <paramref name="zero"/> (a deep copy, so a mutable zero is safe) and merging the partial results with the
    /// same <paramref name="func"/>; so <paramref name="zero"/> must be its identity (0 for +, 1 for *). Combines on the
    /// map side.
    /// </summary>
    /// <example><code>var totals = sales.FoldByKey(0m, (a, b) => a + b);</code></example>
    /// <remarks>Spark: foldByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> FoldByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source, TValue zero,
        Func<TValue, TValue, TValue> func, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(func);
        var newZero = SeedFactory(zero);
        return CombineByKeyCore(source, new Aggregator<TValue, TValue>(v => func(newZero(), v), func, func), partitioner, true,
            new CallSite(nameof(FoldByKey), callerFile, callerLine));
    }

    /// <summary>As <see cref="FoldByKey{TKey, TValue}(Rdd{ValueTuple{TKey, TValue}}, TValue, Func{TValue, TValue, TValue}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: foldByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> FoldByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source, TValue zero,
        Func<TValue, TValue, TValue> func, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.FoldByKey(zero, func, new HashPartitioner(numPartitions), callerFile, callerLine);
}
