using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The distinct elements (by <see cref="EqualityComparer{T}.Default"/>, <c>null</c> included), in no particular
    /// order, through one shuffle into <paramref name="numPartitions"/> hash partitions (default: as many as the
    /// input). Duplicates are dropped on the map side first, so each map task writes each element once.
    /// </summary>
    /// <example><code>var visitors = visits.Select(v => v.UserId).Distinct();</code></example>
    /// <remarks>Spark: distinct</remarks>
    public static Rdd<T> Distinct<T>(this Rdd<T> source, int? numPartitions = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (numPartitions is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(numPartitions));
        }

        return DistinctCore(source, numPartitions is { } count ? new HashPartitioner(count) : null,
            new CallSite(nameof(Distinct), callerFile, callerLine));
    }

    /// <summary>
    /// Keys each element by itself and keeps one record per key. A <c>null</c> <paramref name="partitioner"/> hashes
    /// into as many partitions as <paramref name="source"/> has.
    /// </summary>
    private static Rdd<T> DistinctCore<T>(Rdd<T> source, Partitioner? partitioner, CallSite callSite)
    {
        var keyed = Narrow(source, static (_, _, items) => items.Select(static x => (x, (byte)0)), false, callSite.Operation, callSite.File, callSite.Line);
        var aggregator = new Aggregator<byte, byte>(static v => v, static (c, _) => c, static (c, _) => c);
        var reduced = CombineByKeyCore(keyed, aggregator, partitioner ?? new HashPartitioner(Math.Max(1, source.NumPartitions)), true, callSite);
        return Narrow(reduced, static (_, _, items) => items.Select(static kv => kv.Key), false, callSite.Operation, callSite.File, callSite.Line);
    }
}
