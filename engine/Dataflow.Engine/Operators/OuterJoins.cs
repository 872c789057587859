using System.Runtime.CompilerServices;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The left outer join by key: every pair of matching values, and each left value without a match once, with a
    /// missing (<see cref="Optional{T}.None"/>) right side. Null keys match each other, as in Spark.
    /// </summary>
    /// <example><code>var withNames = orders.LeftOuterJoin(names); // (id, (order, Optional&lt;string&gt;))</code></example>
    /// <remarks>Spark: leftOuterJoin</remarks>
    public static Rdd<(TKey Key, (TLeft Left, Optional<TRight> Right) Value)> LeftOuterJoin<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        OuterJoinCore(left, right, partitioner, true, false, new CallSite(nameof(LeftOuterJoin), callerFile, callerLine),
            static (l, r) => (l.Value, r));

    /// <summary>As <see cref="LeftOuterJoin{TKey, TLeft, TRight}(Rdd{ValueTuple{TKey, TLeft}}, Rdd{ValueTuple{TKey, TRight}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: leftOuterJoin</remarks>
    public static Rdd<(TKey Key, (TLeft Left, Optional<TRight> Right) Value)> LeftOuterJoin<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        left.LeftOuterJoin(right, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// The right outer join by key: every pair of matching values, and each right value without a match once, with a
    /// missing left side.
    /// </summary>
    /// <remarks>Spark: rightOuterJoin</remarks>
    public static Rdd<(TKey Key, (Optional<TLeft> Left, TRight Right) Value)> RightOuterJoin<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        OuterJoinCore(left, right, partitioner, false, true, new CallSite(nameof(RightOuterJoin), callerFile, callerLine),
            static (l, r) => (l, r.Value));

    /// <summary>As <see cref="RightOuterJoin{TKey, TLeft, TRight}(Rdd{ValueTuple{TKey, TLeft}}, Rdd{ValueTuple{TKey, TRight}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: rightOuterJoin</remarks>
    public static Rdd<(TKey Key, (Optional<TLeft> Left, TRight Right) Value)> RightOuterJoin<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        left.RightOuterJoin(right, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// The full outer join by key: every pair of matching values, and each value of either side without a match once,
    /// with the other side missing.
    /// </summary>
    /// <remarks>Spark: fullOuterJoin</remarks>
    public static Rdd<(TKey Key, (Optional<TLeft> Left, Optional<TRight> Right) Value)> FullOuterJoin<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        OuterJoinCore(left, right, partitioner, true, true, new CallSite(nameof(FullOuterJoin), callerFile, callerLine),
            static (l, r) => (l, r));

    /// <summary>As <see cref="FullOuterJoin{TKey, TLeft, TRight}(Rdd{ValueTuple{TKey, TLeft}}, Rdd{ValueTuple{TKey, TRight}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: fullOuterJoin</remarks>
    public static Rdd<(TKey Key, (Optional<TLeft> Left, Optional<TRight> Right) Value)> FullOuterJoin<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        left.FullOuterJoin(right, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// The three outer joins in one: the matched pairs of each key plus, as asked, the unmatched values of either side;
    /// <paramref name="shape"/> builds the result value. A side that is not optional in the result is never missing in
    /// the rows it is called for (the left join emits no rows for right values without a match, and vice versa).
    /// </summary>
    private static Rdd<(TKey Key, TResult Value)> OuterJoinCore<TKey, TLeft, TRight, TResult>(
        Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, Partitioner? partitioner,
        bool keepUnmatchedLeft, bool keepUnmatchedRight, CallSite callSite, Func<Optional<TLeft>, Optional<TRight>, TResult> shape)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var cogrouped = CoGroupCore(partitioner, callSite, new CoGroupInput<TKey, TLeft>(left), new CoGroupInput<TKey, TRight>(right));
        return Narrow(cogrouped, (_, _, groups) => OuterJoinRows(groups, keepUnmatchedLeft, keepUnmatchedRight, shape),
            true, callSite.Operation, callSite.File, callSite.Line);
    }

    private static IEnumerable<(TKey Key, TResult Value)> OuterJoinRows<TKey, TLeft, TRight, TResult>(
        IEnumerable<(TKey Key, IReadOnlyCollection<object?>[] Groups)> groups, bool keepUnmatchedLeft, bool keepUnmatchedRight,
        Func<Optional<TLeft>, Optional<TRight>, TResult> shape)
    {
        foreach (var (key, lists) in groups)
        {
            var (lefts, rights) = (lists[0], lists[1]);
            if (rights.Count == 0)
            {
                if (keepUnmatchedLeft)
                {
                    foreach (var l in lefts)
                    {
                        yield return (key, shape(new Optional<TLeft>((TLeft)l!), default));
                    }
                }
            }
            else if (lefts.Count == 0)
            {
                if (keepUnmatchedRight)
                {
                    foreach (var r in rights)
                    {
                        yield return (key, shape(default, new Optional<TRight>((TRight)r!)));
                    }
                }
            }
            else
            {
                foreach (var l in lefts)
                {
                    foreach (var r in rights)
                    {
                        yield return (key, shape(new Optional<TLeft>((TLeft)l!), new Optional<TRight>((TRight)r!)));
                    }
                }
            }
        }
    }
}
