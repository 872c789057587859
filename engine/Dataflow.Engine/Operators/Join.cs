using System.Runtime.CompilerServices;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The inner join by key: one record per pair of matching values. An input already partitioned like the result
    /// is not shuffled again.
    /// </summary>
    /// <example><code>var named = scores.Join(names); // (id, (score, name))</code></example>
    /// <remarks>Spark: join</remarks>
    public static Rdd<(TKey Key, (TLeft Left, TRight Right) Value)> Join<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var callSite = new CallSite(nameof(Join), callerFile, callerLine);
        var cogrouped = new CoGroupedRdd<TKey>(left.Context,
            [new CoGroupInput<TKey, TLeft>(left), new CoGroupInput<TKey, TRight>(right)],
            partitioner ?? DefaultPartitioner(left, right), callSite);
        return Narrow(cogrouped, (_, _, groups) => JoinPairs<TKey, TLeft, TRight>(groups), true, callSite.Operation, callerFile, callerLine);
    }

    /// <summary>As <see cref="Join{TKey, TLeft, TRight}(Rdd{ValueTuple{TKey, TLeft}}, Rdd{ValueTuple{TKey, TRight}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: join</remarks>
    public static Rdd<(TKey Key, (TLeft Left, TRight Right) Value)> Join<TKey, TLeft, TRight>(
        this Rdd<(TKey Key, TLeft Value)> left, Rdd<(TKey Key, TRight Value)> right, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        left.Join(right, new HashPartitioner(numPartitions), callerFile, callerLine);

    private static IEnumerable<(TKey Key, (TLeft Left, TRight Right) Value)> JoinPairs<TKey, TLeft, TRight>(
        IEnumerable<(TKey Key, IReadOnlyCollection<object?>[] Groups)> groups)
    {
        foreach (var (key, lists) in groups)
        {
            foreach (var l in lists[0])
            {
                foreach (var r in lists[1])
                {
                    yield return (key, ((TLeft)l!, (TRight)r!));
                }
            }
        }
    }
}
