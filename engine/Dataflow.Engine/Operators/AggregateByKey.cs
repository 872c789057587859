using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Aggregates the values of each key into an accumulator of another type: each key of each partition folds its
    /// values into its own copy of <paramref name="zero"/> with <paramref name="seqOp"/> (on the map side, so one
    /// accumulator per key and map partition crosses the shuffle), and <paramref name="combOp"/> merges the
    /// accumulators of different partitions. Copies of <paramref name="zero"/> are deep (through the record serializer,
    /// which it must round-trip), so a mutable accumulator such as a list or a set is safe to update in place.
    /// </summary>
    /// <example><code>
    /// var stats = readings.AggregateByKey((Count: 0, Sum: 0.0),
    ///     (acc, v) => (acc.Count + 1, acc.Sum + v),
    ///     (a, b) => (a.Count + b.Count, a.Sum + b.Sum));
    /// </code></example>
    /// <remarks>Spark: aggregateByKey</remarks>
    public static Rdd<(TKey Key, TAccumulate Value)> AggregateByKey<TKey, TValue, TAccumulate>(this Rdd<(TKey Key, TValue Value)> source,
        TAccumulate zero, Func<TAccumulate, TValue, TAccumulate> seqOp, Func<TAccumulate, TAccumulate, TAccumulate> combOp,
        Partitioner? partitioner = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(seqOp);
        ArgumentNullException.ThrowIfNull(combOp);
        RejectAsyncResult<TAccumulate>(nameof(AggregateByKey), callerFile, callerLine);
        var newZero = SeedFactory(zero);
        return CombineByKeyCore(source, new Aggregator<TValue, TAccumulate>(v => seqOp(newZero(), v), seqOp, combOp), partitioner, true,
            new CallSite(nameof(AggregateByKey), callerFile, callerLine));
    }

    /// <summary>As <see cref="AggregateByKey{TKey, TValue, TAccumulate}(Rdd{ValueTuple{TKey, TValue}}, TAccumulate, Func{TAccumulate, TValue, TAccumulate}, Func{TAccumulate, TAccumulate, TAccumulate}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: aggregateByKey</remarks>
    public static Rdd<(TKey Key, TAccumulate Value)> AggregateByKey<TKey, TValue, TAccumulate>(this Rdd<(TKey Key, TValue Value)> source,
        TAccumulate zero, Func<TAccumulate, TValue, TAccumulate> seqOp, Func<TAccumulate, TAccumulate, TAccumulate> combOp,
        int numPartitions, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.AggregateByKey(zero, seqOp, combOp, new HashPartitioner(numPartitions), callerFile, callerLine);
}
