using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Sorts by key: range-partitions by bounds sampled from the data (so partitions are of similar size and their
    /// concatenation is ordered), then sorts each partition. The sample is taken by a small job when the first action
    /// runs. Ties come in no particular order.
    /// </summary>
    /// <example><code>var byCount = counts.Select(kv => (kv.Value, kv.Key)).SortByKey(ascending: false);</code></example>
    /// <remarks>Spark: sortByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> SortByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        bool ascending = true, int? numPartitions = null, IComparer<TKey>? comparer = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var partitions = numPartitions ?? source.NumPartitions;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions, nameof(numPartitions));
        var order = comparer ?? Comparer<TKey>.Default;
        var callSite = new CallSite(nameof(SortByKey), callerFile, callerLine);
        var keys = Narrow(source, (_, _, items) => items.Select(kv => kv.Key), false, "SortByKey (sample)", callerFile, callerLine);
        var partitioner = new RangePartitioner<TKey>(partitions, keys, order, ascending);
        var ordering = ascending ? order : Comparer<TKey>.Create((a, b) => order.Compare(b, a));
        var dependency = new ShuffleDependency<TKey, TValue, TValue>(source, partitioner, null, false, ordering, callSite);
        return new ShuffledRdd<TKey, TValue>(dependency, callSite);
    }
}
