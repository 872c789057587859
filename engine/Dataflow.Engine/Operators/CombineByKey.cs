using System.Runtime.CompilerServices;
using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The general by-key aggregation: for each key, start a combiner from its first value, fold further values into
    /// it, and merge combiners from different partitions. With <paramref name="mapSideCombine"/> values are combined
    /// before the shuffle, so only one record per key and map partition crosses it. When the input is already
    /// partitioned by <paramref name="partitioner"/> no shuffle happens at all.
    /// </summary>
    /// <remarks>Spark: combineByKey</remarks>
    public static Rdd<(TKey Key, TCombiner Value)> CombineByKey<TKey, TValue, TCombiner>(
        this Rdd<(TKey Key, TValue Value)> source,
        Func<TValue, TCombiner> createCombiner,
        Func<TCombiner, TValue, TCombiner> mergeValue,
        Func<TCombiner, TCombiner, TCombiner> mergeCombiners,
        Partitioner? partitioner = null,
        bool mapSideCombine = true,
        [CallerFilePath] string callerFile = "",
        [CallerLineNumber] int callerLine = 0) =>
        CombineByKeyCore(source, new Aggregator<TValue, TCombiner>(createCombiner, mergeValue, mergeCombiners), partitioner, mapSideCombine,
            new CallSite(nameof(CombineByKey), callerFile, callerLine));

    /// <summary>Merges the values of each key with an associative and commutative <paramref name="func"/>, combining on the map side.</summary>
    /// <example><code>var counts = words.Select(w => (w, 1)).ReduceByKey((a, b) => a + b);</code></example>
    /// <remarks>Spark: reduceByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> ReduceByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        Func<TValue, TValue, TValue> func, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(func);
        return CombineByKeyCore(source, new Aggregator<TValue, TValue>(static v => v, func, func), partitioner, true,
            new CallSite(nameof(ReduceByKey), callerFile, callerLine));
    }

    /// <summary>As <see cref="ReduceByKey{TKey, TValue}(Rdd{ValueTuple{TKey, TValue}}, Func{TValue, TValue, TValue}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: reduceByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> ReduceByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        Func<TValue, TValue, TValue> func, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.ReduceByKey(func, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// Groups the values of each key. No map-side combine (it would not shrink the data); prefer
    /// <c>ReduceByKey</c>/<c>AggregateByKey</c> when the groups are only reduced afterwards. A key's values may exceed
    /// the executor's memory: they spill to disk and are streamed back when the group is enumerated, which is possible
    /// only inside the job (returning such a group from an action and enumerating it afterwards throws).
    /// </summary>
    /// <remarks>Spark: groupByKey</remarks>
    public static Rdd<(TKey Key, IEnumerable<TValue> Value)> GroupByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        Partitioner? partitioner = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var callSite = new CallSite(nameof(GroupByKey), callerFile, callerLine);
        partitioner ??= DefaultPartitioner(source);
        if (partitioner.Equals(source.Partitioner))
        {
            // Every key is already in its final partition: group in place, no shuffle.
            return Narrow(source, (context, _, items) => HashGrouper.GroupByKey(context, items), true, callSite.Operation, callerFile, callerLine);
        }

        var dependency = new ShuffleDependency<TKey, TValue, TValue>(source, partitioner, null, false, null, callSite);
        return new GroupedRdd<TKey, TValue>(dependency, callSite);
    }

    /// <summary>As <see cref="GroupByKey{TKey, TValue}(Rdd{ValueTuple{TKey, TValue}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: groupByKey</remarks>
    public static Rdd<(TKey Key, IEnumerable<TValue> Value)> GroupByKey<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        int numPartitions, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.GroupByKey(new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>Moves each record to the partition <paramref name="partitioner"/> assigns its key; no-op when already so partitioned.</summary>
    /// <remarks>Spark: partitionBy</remarks>
    public static Rdd<(TKey Key, TValue Value)> PartitionBy<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source,
        Partitioner partitioner, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(partitioner);
        if (partitioner.Equals(source.Partitioner))
        {
            return source;
        }

        var callSite = new CallSite(nameof(PartitionBy), callerFile, callerLine);
        var dependency = new ShuffleDependency<TKey, TValue, TValue>(source, partitioner, null, false, null, callSite);
        return new ShuffledRdd<TKey, TValue>(dependency, callSite);
    }

    private static Rdd<(TKey Key, TCombiner Value)> CombineByKeyCore<TKey, TValue, TCombiner>(
        Rdd<(TKey Key, TValue Value)> source, Aggregator<TValue, TCombiner> aggregator, Partitioner? partitioner, bool mapSideCombine, CallSite callSite)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(aggregator.CreateCombiner);
        ArgumentNullException.ThrowIfNull(aggregator.MergeValue);
        ArgumentNullException.ThrowIfNull(aggregator.MergeCombiners);
        partitioner ??= DefaultPartitioner(source);
        if (partitioner.Equals(source.Partitioner))
        {
            // Every key is already in its final partition: aggregate in place, no shuffle.
            return Narrow(source, (context, _, items) => ExternalAppendOnlyMap<TKey, TValue, TCombiner>.Aggregate(
                context, items, aggregator.CreateCombiner, aggregator.MergeValue, aggregator.MergeCombiners), true, callSite.Operation, callSite.File, callSite.Line);
        }

        var dependency = new ShuffleDependency<TKey, TValue, TCombiner>(source, partitioner, aggregator, mapSideCombine, null, callSite);
        return new ShuffledRdd<TKey, TValue, TCombiner>(dependency, callSite);
    }
}
