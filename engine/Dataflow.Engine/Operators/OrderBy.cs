using System.Runtime.CompilerServices;
using Dataflow.Collections;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Sorts the elements by a key, ascending, across partitions: range-partitioned by bounds sampled from the data
    /// (a small job when the first action runs), then each partition sorted. Refine with <c>ThenBy</c>; ties come in
    /// no particular order. The key selector may run several times per element and must be pure.
    /// </summary>
    /// <param name="source">The elements.</param>
    /// <param name="keySelector">The sort key.</param>
    /// <param name="comparer">The key order; <see cref="Comparer{T}.Default"/> when <c>null</c>.</param>
    /// <param name="numPartitions">The partitions of the result; the source's count when <c>null</c>.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <example><code>var byAge = from p in people orderby p.Age, p.Name descending select p;</code></example>
    /// <remarks>Spark: sortBy</remarks>
    public static OrderedRdd<T> OrderBy<T, TKey>(this Rdd<T> source, Func<T, TKey> keySelector, IComparer<TKey>? comparer = null,
        int? numPartitions = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        OrderByCore(source, keySelector, comparer, false, numPartitions, new CallSite(nameof(OrderBy), callerFile, callerLine));

    /// <summary>As <see cref="OrderBy{T, TKey}(Rdd{T}, Func{T, TKey}, IComparer{TKey}?, int?, string, int)"/>, largest key first.</summary>
    /// <remarks>Spark: sortBy (ascending = false)</remarks>
    public static OrderedRdd<T> OrderByDescending<T, TKey>(this Rdd<T> source, Func<T, TKey> keySelector, IComparer<TKey>? comparer = null,
        int? numPartitions = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        OrderByCore(source, keySelector, comparer, true, numPartitions, new CallSite(nameof(OrderByDescending), callerFile, callerLine));

    /// <summary>
    /// Breaks the ties of an ordering with a further key, ascending. Adds no stage: the result is the same single sort
    /// of the original source with a longer comparer.
    /// </summary>
    /// <remarks>Spark: sortBy with a tuple key</remarks>
    public static OrderedRdd<T> ThenBy<T, TKey>(this OrderedRdd<T> source, Func<T, TKey> keySelector, IComparer<TKey>? comparer = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        ThenByCore(source, keySelector, comparer, false, new CallSite(nameof(ThenBy), callerFile, callerLine));

    /// <summary>As <see cref="ThenBy{T, TKey}(OrderedRdd{T}, Func{T, TKey}, IComparer{TKey}?, string, int)"/>, largest key first.</summary>
    /// <remarks>Spark: sortBy with a tuple key</remarks>
    public static OrderedRdd<T> ThenByDescending<T, TKey>(this OrderedRdd<T> source, Func<T, TKey> keySelector, IComparer<TKey>? comparer = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        ThenByCore(source, keySelector, comparer, true, new CallSite(nameof(ThenByDescending), callerFile, callerLine));

    private static OrderedRdd<T> OrderByCore<T, TKey>(Rdd<T> source, Func<T, TKey> keySelector, IComparer<TKey>? comparer, bool descending,
        int? numPartitions, CallSite callSite)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        var partitions = numPartitions ?? source.NumPartitions;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions, nameof(numPartitions));
        var ordering = new KeySelectorComparer<T, TKey>(keySelector, comparer ?? Comparer<TKey>.Default, descending);
        return new OrderedRdd<T>(source, ordering, partitions, callSite);
    }

    private static OrderedRdd<T> ThenByCore<T, TKey>(OrderedRdd<T> source, Func<T, TKey> keySelector, IComparer<TKey>? comparer, bool descending,
        CallSite callSite)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        var next = new KeySelectorComparer<T, TKey>(keySelector, comparer ?? Comparer<TKey>.Default, descending);
        return new OrderedRdd<T>(source.Source, new ThenComparer<T>(source.Ordering, next), source.SortPartitions, callSite);
    }
}
