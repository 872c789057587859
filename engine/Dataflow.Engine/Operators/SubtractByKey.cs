using System.Runtime.CompilerServices;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The records of <paramref name="source"/> whose key does not occur in <paramref name="other"/> (null keys are
    /// equal, as in Spark). Only the keys of <paramref name="other"/> cross the shuffle; an input already partitioned
    /// like the result is not shuffled again.
    /// </summary>
    /// <example><code>var stillActive = sessions.SubtractByKey(loggedOut);</code></example>
    /// <remarks>Spark: subtractByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> SubtractByKey<TKey, TValue, TOther>(this Rdd<(TKey Key, TValue Value)> source,
        Rdd<(TKey Key, TOther Value)> other, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(other);
        var callSite = new CallSite(nameof(SubtractByKey), callerFile, callerLine);
        // Keys only, keeping other's partitioner so a co-partitioned input is still read in place.
        var otherKeys = Narrow(other, static (_, _, items) => items.Select(static kv => (kv.Key, (byte)0)), true, nameof(SubtractByKey), callerFile, callerLine);
        var cogrouped = CoGroupCore(partitioner, callSite, new CoGroupInput<TKey, TValue>(source), new CoGroupInput<TKey, byte>(otherKeys));
        return Narrow(cogrouped, static (_, _, groups) => groups
                .Where(static g => g.Groups[1].Count == 0)
                .SelectMany(static g => g.Groups[0].Select(v => (g.Key, (TValue)v!))),
            true, nameof(SubtractByKey), callerFile, callerLine);
    }

    /// <summary>As <see cref="SubtractByKey{TKey, TValue, TOther}(Rdd{ValueTuple{TKey, TValue}}, Rdd{ValueTuple{TKey, TOther}}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: subtractByKey</remarks>
    public static Rdd<(TKey Key, TValue Value)> SubtractByKey<TKey, TValue, TOther>(this Rdd<(TKey Key, TValue Value)> source,
        Rdd<(TKey Key, TOther Value)> other, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.SubtractByKey(other, new HashPartitioner(numPartitions), callerFile, callerLine);
}
