using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Moves each record to the partition <paramref name="partitioner"/> assigns its key and sorts every partition by
    /// key, in one shuffle (cheaper than <c>PartitionBy</c> followed by a per-partition sort). An input already
    /// partitioned by <paramref name="partitioner"/> is only sorted in place. Ties come in no particular order.
    /// </summary>
    /// <example><code>var runs = events.RepartitionAndSortWithinPartitions(new HashPartitioner(8)); // each partition sorted by key</code></example>
    /// <remarks>Spark: repartitionAndSortWithinPartitions</remarks>
    public static Rdd<(TKey Key, TValue Value)> RepartitionAndSortWithinPartitions<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        Partitioner partitioner, IComparer<TKey>? comparer = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(partitioner);
        var ordering = comparer ?? Comparer<TKey>.Default;
        if (partitioner.Equals(source.Partitioner))
        {
            return Narrow(source, (task, _, items) => ShufflePartitions.SortByKey(task, items, ordering), true,
                nameof(RepartitionAndSortWithinPartitions), callerFile, callerLine);
        }

        var callSite = new CallSite(nameof(RepartitionAndSortWithinPartitions), callerFile, callerLine);
        var dependency = new ShuffleDependency<TKey, TValue, TValue>(source, partitioner, null, false, ordering, callSite);
        return new ShuffledRdd<TKey, TValue>(dependency, callSite);
    }
}
