using System.Runtime.CompilerServices;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// For each key of either input, all its values in each input (one of the two sequences may be empty). An input
    /// already partitioned like the result is not shuffled again. The primitive under the outer joins.
    /// </summary>
    /// <example><code>var both = clicks.CoGroup(views); // (page, (clicks of page, views of page))</code></example>
    /// <remarks>Spark: cogroup</remarks>
    public static Rdd<(TKey Key, (IEnumerable<TFirst> First, IEnumerable<TSecond> Second) Value)> CoGroup<TKey, TFirst, TSecond>(
        this Rdd<(TKey Key, TFirst Value)> first, Rdd<(TKey Key, TSecond Value)> second, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var callSite = new CallSite(nameof(CoGroup), callerFile, callerLine);
        var cogrouped = CoGroupCore(partitioner, callSite, new CoGroupInput<TKey, TFirst>(first), new CoGroupInput<TKey, TSecond>(second));
        return Narrow(cogrouped, static (_, _, groups) => groups.Select(static g =>
            (g.Key, ((IEnumerable<TFirst>)Typed<TFirst>(g.Groups[0]), (IEnumerable<TSecond>)Typed<TSecond>(g.Groups[1])))),
            true, callSite.Operation, callerFile, callerLine);
    }

    /// <summary>As <see cref="CoGroup{TKey, TFirst, TSecond}(Rdd{ValueTuple{TKey, TFirst}}, Rdd{ValueTuple{TKey, TSecond}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: cogroup</remarks>
    public static Rdd<(TKey Key, (IEnumerable<TFirst> First, IEnumerable<TSecond> Second) Value)> CoGroup<TKey, TFirst, TSecond>(
        this Rdd<(TKey Key, TFirst Value)> first, Rdd<(TKey Key, TSecond Value)> second, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        first.CoGroup(second, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>For each key of any of three inputs, all its values in each input. Inputs already partitioned like the result are not shuffled again.</summary>
    /// <remarks>Spark: cogroup</remarks>
    public static Rdd<(TKey Key, (IEnumerable<TFirst> First, IEnumerable<TSecond> Second, IEnumerable<TThird> Third) Value)> CoGroup<TKey, TFirst, TSecond, TThird>(
        this Rdd<(TKey Key, TFirst Value)> first, Rdd<(TKey Key, TSecond Value)> second, Rdd<(TKey Key, TThird Value)> third,
        Partitioner? partitioner = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
        var callSite = new CallSite(nameof(CoGroup), callerFile, callerLine);
        var cogrouped = CoGroupCore(partitioner, callSite,
            new CoGroupInput<TKey, TFirst>(first), new CoGroupInput<TKey, TSecond>(second), new CoGroupInput<TKey, TThird>(third));
        return Narrow(cogrouped, static (_, _, groups) => groups.Select(static g =>
            (g.Key, ((IEnumerable<TFirst>)Typed<TFirst>(g.Groups[0]), (IEnumerable<TSecond>)Typed<TSecond>(g.Groups[1]),
                (IEnumerable<TThird>)Typed<TThird>(g.Groups[2])))),
            true, callSite.Operation, callerFile, callerLine);
    }

    /// <summary>As <see cref="CoGroup{TKey, TFirst, TSecond, TThird}(Rdd{ValueTuple{TKey, TFirst}}, Rdd{ValueTuple{TKey, TSecond}}, Rdd{ValueTuple{TKey, TThird}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: cogroup</remarks>
    public static Rdd<(TKey Key, (IEnumerable<TFirst> First, IEnumerable<TSecond> Second, IEnumerable<TThird> Third) Value)> CoGroup<TKey, TFirst, TSecond, TThird>(
        this Rdd<(TKey Key, TFirst Value)> first, Rdd<(TKey Key, TSecond Value)> second, Rdd<(TKey Key, TThird Value)> third,
        int numPartitions, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        first.CoGroup(second, third, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>The co-grouped RDD of <paramref name="inputs"/> under <paramref name="partitioner"/>, or the default partitioner of the inputs.</summary>
    private static CoGroupedRdd<TKey> CoGroupCore<TKey>(Partitioner? partitioner, CallSite callSite, params CoGroupInput<TKey>[] inputs) =>
        new(inputs[0].Rdd.Context, inputs, partitioner ?? DefaultPartitioner([.. inputs.Select(i => i.Rdd)]), callSite);

    /// <summary>A co-group's boxed values as a typed array (materialised, so the sequence can be enumerated repeatedly and serialised).</summary>
    private static TValue[] Typed<TValue>(IReadOnlyCollection<object?> values)
    {
        var typed = new TValue[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            typed[i++] = (TValue)value!;
        }

        return typed;
    }
}
