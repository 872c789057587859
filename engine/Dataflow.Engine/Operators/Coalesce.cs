using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Reduces the number of partitions to at most <paramref name="numPartitions"/> without a shuffle: each new
    /// partition reads a group of parent partitions in one task. Groups have near-equal numbers of parent partitions
    /// (not of records), and partitions that prefer the same location are grouped together; without such preferences
    /// each group is a run of adjacent partitions, so the order of the records is kept. With
    /// <paramref name="numPartitions"/> at least the current count, returns <paramref name="source"/> itself (use
    /// <c>Repartition</c> to increase the count or to rebalance skewed partitions).
    /// </summary>
    /// <example><code>var fewer = manySmallFiles.Coalesce(4);</code></example>
    /// <remarks>Spark: coalesce (shuffle = false)</remarks>
    public static Rdd<T> Coalesce<T>(this Rdd<T> source, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPartitions);
        return numPartitions >= source.NumPartitions
            ? source
            : new CoalescedRdd<T>(source, numPartitions, new CallSite(nameof(Coalesce), callerFile, callerLine));
    }
}
