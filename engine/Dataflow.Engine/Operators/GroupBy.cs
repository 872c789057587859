using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Groups the elements by a key, as LINQ's <c>GroupBy</c>: one <see cref="Grouping{TKey, TElement}"/> per distinct key
    /// (null keys form a group too), elements in no particular order. The elements cross a shuffle whole (no map-side
    /// combine); prefer <c>ReduceByKey</c>/<c>AggregateByKey</c> when each group is only reduced afterwards.
    /// </summary>
    /// <example><code>var byInitial = from w in words group w by w[0] into g select (g.Key, g.Count());</code></example>
    /// <remarks>Spark: groupBy</remarks>
    public static Rdd<IGrouping<TKey, T>> GroupBy<T, TKey>(this Rdd<T> source, Func<T, TKey> keySelector, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        GroupByCore(source, keySelector, static x => x, partitioner, new CallSite(nameof(GroupBy), callerFile, callerLine));

    /// <summary>As <see cref="GroupBy{T, TKey}(Rdd{T}, Func{T, TKey}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: groupBy</remarks>
    public static Rdd<IGrouping<TKey, T>> GroupBy<T, TKey>(this Rdd<T> source, Func<T, TKey> keySelector, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        GroupByCore(source, keySelector, static x => x, new HashPartitioner(numPartitions), new CallSite(nameof(GroupBy), callerFile, callerLine));

    /// <summary>
    /// Groups projections of the elements by a key: the form <c>group e by k</c> compiles to when <c>e</c> is not the
    /// range variable. The projection runs before the shuffle, so only it crosses.
    /// </summary>
    /// <example><code>var namesByCity = from p in people group p.Name by p.City;</code></example>
    /// <remarks>Spark: groupBy</remarks>
    public static Rdd<IGrouping<TKey, TElement>> GroupBy<T, TKey, TElement>(this Rdd<T> source, Func<T, TKey> keySelector,
        Func<T, TElement> elementSelector, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        RejectAsyncResult<TElement>(nameof(GroupBy), callerFile, callerLine);
        return GroupByCore(source, keySelector, elementSelector, partitioner, new CallSite(nameof(GroupBy), callerFile, callerLine));
    }

    /// <summary>As <see cref="GroupBy{T, TKey, TElement}(Rdd{T}, Func{T, TKey}, Func{T, TElement}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: groupBy</remarks>
    public static Rdd<IGrouping<TKey, TElement>> GroupBy<T, TKey, TElement>(this Rdd<T> source, Func<T, TKey> keySelector,
        Func<T, TElement> elementSelector, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.GroupBy(keySelector, elementSelector, new HashPartitioner(numPartitions), callerFile, callerLine);

    private static Rdd<IGrouping<TKey, TElement>> GroupByCore<T, TKey, TElement>(Rdd<T> source, Func<T, TKey> keySelector,
        Func<T, TElement> elementSelector, Partitioner? partitioner, CallSite callSite)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(elementSelector);
        var keyed = Narrow(source, (_, _, items) => items.Select(x => (keySelector(x), elementSelector(x))), false,
            callSite.Operation, callSite.File, callSite.Line);
        var aggregator = new Aggregator<TElement, List<TElement>>(
            static v => [v],
            static (group, v) => { group.Add(v); return group; },
            static (a, b) => { a.AddRange(b); return a; });
        var grouped = CombineByKeyCore(keyed, aggregator, partitioner, false, callSite);
        return Narrow(grouped, static (_, _, groups) => groups.Select(static g => (IGrouping<TKey, TElement>)new Grouping<TKey, TElement>(g.Key, g.Value)),
            false, callSite.Operation, callSite.File, callSite.Line);
    }
}
