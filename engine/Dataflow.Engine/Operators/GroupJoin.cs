using System.Runtime.CompilerServices;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Correlates each outer element with the inner elements of equal key, as LINQ's <c>GroupJoin</c> (and the
    /// <c>join ... into</c> clause): one result per outer element, whose group may be empty. As in LINQ, a
    /// <c>null</c> key matches nothing. Both inputs are keyed and shuffled by key.
    /// </summary>
    /// <example><code>
    /// var ordersPerCustomer = from c in customers
    ///                         join o in orders on c.Id equals o.CustomerId into placed
    ///                         select (c.Name, placed.Count());
    /// </code></example>
    /// <remarks>Spark: cogroup</remarks>
    public static Rdd<TResult> GroupJoin<TOuter, TInner, TKey, TResult>(this Rdd<TOuter> outer, Rdd<TInner> inner,
        Func<TOuter, TKey> outerKeySelector, Func<TInner, TKey> innerKeySelector, Func<TOuter, IEnumerable<TInner>, TResult> resultSelector,
        Partitioner? partitioner = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(outer);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outerKeySelector);
        ArgumentNullException.ThrowIfNull(innerKeySelector);
        ArgumentNullException.ThrowIfNull(resultSelector);
        RejectAsyncResult<TResult>(nameof(GroupJoin), callerFile, callerLine);
        var callSite = new CallSite(nameof(GroupJoin), callerFile, callerLine);
        var keyedOuter = Narrow(outer, (_, _, items) => items.Select(x => (outerKeySelector(x), x)), false, nameof(GroupJoin), callerFile, callerLine);
        var keyedInner = KeyedWithoutNulls(inner, innerKeySelector, callSite);
        var cogrouped = CoGroupCore(partitioner, callSite, new CoGroupInput<TKey, TOuter>(keyedOuter), new CoGroupInput<TKey, TInner>(keyedInner));
        return Narrow(cogrouped, (_, _, groups) => GroupJoinRows(groups, resultSelector), false, nameof(GroupJoin), callerFile, callerLine);
    }

    private static IEnumerable<TResult> GroupJoinRows<TKey, TOuter, TInner, TResult>(
        IEnumerable<(TKey Key, IReadOnlyCollection<object?>[] Groups)> groups, Func<TOuter, IEnumerable<TInner>, TResult> resultSelector)
    {
        foreach (var (_, lists) in groups)
        {
            if (lists[0].Count == 0)
            {
                continue;
            }

            // Inner elements with a null key were dropped before the shuffle, so a null-keyed outer element sees an empty group, as in LINQ.
            var matches = Typed<TInner>(lists[1]);
            foreach (var o in lists[0])
            {
                yield return resultSelector((TOuter)o!, matches);
            }
        }
    }

    /// <summary>
    /// Pairs each element with its key, dropping elements whose key is <c>null</c> (they can never match in the
    /// LINQ-shaped joins, so they need not cross the shuffle).
    /// </summary>
    private static Rdd<(TKey Key, T Value)> KeyedWithoutNulls<T, TKey>(Rdd<T> source, Func<T, TKey> keySelector, CallSite callSite) =>
        Narrow(source, (_, _, items) => items.Select(x => (Key: keySelector(x), Value: x)).Where(static kv => kv.Key is not null), false,
            callSite.Operation, callSite.File, callSite.Line);
}
