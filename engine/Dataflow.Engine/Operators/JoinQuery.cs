using System.Runtime.CompilerServices;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The inner join of any two RDDs by computed keys, as LINQ's <c>Join</c>, so the <c>join ... on ... equals</c>
    /// clause compiles: one result per pair of elements with equal keys. As in LINQ (and unlike the pair
    /// <c>Join</c>, which follows Spark), a <c>null</c> key matches nothing; such elements are dropped before the
    /// shuffle.
    /// </summary>
    /// <example><code>
    /// var lines = from o in orders
    ///             join c in customers on o.CustomerId equals c.Id
    ///             select (c.Name, o.Total);
    /// </code></example>
    /// <remarks>Spark: join (after keyBy on both sides)</remarks>
    public static Rdd<TResult> Join<TOuter, TInner, TKey, TResult>(this Rdd<TOuter> outer, Rdd<TInner> inner,
        Func<TOuter, TKey> outerKeySelector, Func<TInner, TKey> innerKeySelector, Func<TOuter, TInner, TResult> resultSelector,
        Partitioner? partitioner = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(outer);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outerKeySelector);
        ArgumentNullException.ThrowIfNull(innerKeySelector);
        ArgumentNullException.ThrowIfNull(resultSelector);
        RejectAsyncResult<TResult>(nameof(Join), callerFile, callerLine);
        var callSite = new CallSite(nameof(Join), callerFile, callerLine);
        var cogrouped = CoGroupCore(partitioner, callSite,
            new CoGroupInput<TKey, TOuter>(KeyedWithoutNulls(outer, outerKeySelector, callSite)),
            new CoGroupInput<TKey, TInner>(KeyedWithoutNulls(inner, innerKeySelector, callSite)));
        return Narrow(cogrouped, (_, _, groups) => JoinRows(groups, resultSelector), false, nameof(Join), callerFile, callerLine);
    }

    private static IEnumerable<TResult> JoinRows<TKey, TOuter, TInner, TResult>(
        IEnumerable<(TKey Key, IReadOnlyCollection<object?>[] Groups)> groups, Func<TOuter, TInner, TResult> resultSelector)
    {
        foreach (var (_, lists) in groups)
        {
            foreach (var o in lists[0])
            {
                foreach (var i in lists[1])
                {
                    yield return resultSelector((TOuter)o!, (TInner)i!);
                }
            }
        }
    }
}
