using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    // The set operators key each element by itself and run one shuffle with map-side combine (so each map task writes
    // each distinct element once), tagging every element with the side it came from: nothing is collected on the
    // driver. Elements are compared with EqualityComparer<T>.Default, null included, and partitioned by their stable
    // hash; results come in no particular order.
    private const byte SetInFirst = 1;
    private const byte SetInSecond = 2;

    /// <summary>
    /// The distinct elements of both RDDs, as LINQ's <c>Union</c>, hashed into the partitions of
    /// <paramref name="partitioner"/> (default: as many as the larger input has). Use <c>Concat</c> to keep duplicates
    /// without a shuffle.
    /// </summary>
    /// <remarks>Spark: union followed by distinct</remarks>
    public static Rdd<T> Union<T>(this Rdd<T> first, Rdd<T> second, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var callSite = new CallSite(nameof(Union), callerFile, callerLine);
        var both = new UnionRdd<T>(first.Context, [first, second], callSite);
        return DistinctCore(both, partitioner ?? SetPartitioner(first, second), callSite);
    }

    /// <summary>As <see cref="Union{T}(Rdd{T}, Rdd{T}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: union followed by distinct</remarks>
    public static Rdd<T> Union<T>(this Rdd<T> first, Rdd<T> second, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        first.Union(second, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// The distinct elements of <paramref name="first"/> that also occur in <paramref name="second"/>, as LINQ's
    /// <c>Intersect</c>, hashed into the partitions of <paramref name="partitioner"/> (default: as many as the larger
    /// input has).
    /// </summary>
    /// <remarks>Spark: intersection</remarks>
    public static Rdd<T> Intersect<T>(this Rdd<T> first, Rdd<T> second, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return SetMembership(first, second, partitioner ?? SetPartitioner(first, second), SetInFirst | SetInSecond,
            new CallSite(nameof(Intersect), callerFile, callerLine));
    }

    /// <summary>As <see cref="Intersect{T}(Rdd{T}, Rdd{T}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: intersection</remarks>
    public static Rdd<T> Intersect<T>(this Rdd<T> first, Rdd<T> second, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        first.Intersect(second, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// The distinct elements of <paramref name="first"/> that do not occur in <paramref name="second"/>, as LINQ's
    /// <c>Except</c>, hashed into the partitions of <paramref name="partitioner"/> (default: as many as
    /// <paramref name="first"/> has). Use <c>Subtract</c> to keep duplicates.
    /// </summary>
    /// <remarks>Spark: subtract followed by distinct</remarks>
    public static Rdd<T> Except<T>(this Rdd<T> first, Rdd<T> second, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return SetMembership(first, second, partitioner ?? SetPartitioner(first), SetInFirst, new CallSite(nameof(Except), callerFile, callerLine));
    }

    /// <summary>As <see cref="Except{T}(Rdd{T}, Rdd{T}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: subtract followed by distinct</remarks>
    public static Rdd<T> Except<T>(this Rdd<T> first, Rdd<T> second, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        first.Except(second, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>
    /// The elements of <paramref name="first"/> that do not occur in <paramref name="second"/>, each as often as it
    /// occurs in <paramref name="first"/>, hashed into the partitions of <paramref name="partitioner"/> (default: as
    /// many as <paramref name="first"/> has). Use <c>Except</c> for distinct elements.
    /// </summary>
    /// <remarks>Spark: subtract</remarks>
    public static Rdd<T> Subtract<T>(this Rdd<T> first, Rdd<T> second, Partitioner? partitioner = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var callSite = new CallSite(nameof(Subtract), callerFile, callerLine);
        var (op, file, line) = callSite;
        var tagged = new UnionRdd<(T, (long LeftCount, bool InRight))>(first.Context, [
            Narrow(first, static (_, _, items) => items.Select(static x => (x, (1L, false))), false, op, file, line),
            Narrow(second, static (_, _, items) => items.Select(static x => (x, (0L, true))), false, op, file, line),
        ], callSite);
        var aggregator = new Aggregator<(long LeftCount, bool InRight), (long LeftCount, bool InRight)>(
            static v => v,
            static (a, b) => (a.LeftCount + b.LeftCount, a.InRight | b.InRight),
            static (a, b) => (a.LeftCount + b.LeftCount, a.InRight | b.InRight));
        var counted = CombineByKeyCore(tagged, aggregator, partitioner ?? SetPartitioner(first), true, callSite);
        return Narrow(counted, static (_, _, items) => SubtractRepeat(items), false, op, file, line);
    }

    /// <summary>As <see cref="Subtract{T}(Rdd{T}, Rdd{T}, Partitioner?, string, int)"/> into <paramref name="numPartitions"/> hash partitions.</summary>
    /// <remarks>Spark: subtract</remarks>
    public static Rdd<T> Subtract<T>(this Rdd<T> first, Rdd<T> second, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        first.Subtract(second, new HashPartitioner(numPartitions), callerFile, callerLine);

    /// <summary>The elements whose side flags, or-ed over all their occurrences, equal <paramref name="keep"/>.</summary>
    private static Rdd<T> SetMembership<T>(Rdd<T> first, Rdd<T> second, Partitioner partitioner, byte keep, CallSite callSite)
    {
        var (op, file, line) = callSite;
        var tagged = new UnionRdd<(T, byte)>(first.Context, [
            Narrow(first, static (_, _, items) => items.Select(static x => (x, SetInFirst)), false, op, file, line),
            Narrow(second, static (_, _, items) => items.Select(static x => (x, SetInSecond)), false, op, file, line),
        ], callSite);
        var aggregator = new Aggregator<byte, byte>(static v => v, static (a, b) => (byte)(a | b), static (a, b) => (byte)(a | b));
        var flagged = CombineByKeyCore(tagged, aggregator, partitioner, true, callSite);
        return Narrow(flagged, (_, _, items) => items.Where(kv => kv.Value == keep).Select(static kv => kv.Key), false, op, file, line);
    }

    private static IEnumerable<T> SubtractRepeat<T>(IEnumerable<(T Key, (long LeftCount, bool InRight) Value)> items)
    {
        foreach (var (key, (count, inRight)) in items)
        {
            for (var i = 0L; !inRight && i < count; i++)
            {
                yield return key;
            }
        }
    }

    /// <summary>Hash partitioning into as many partitions as the largest of <paramref name="inputs"/> has (at least one).</summary>
    private static HashPartitioner SetPartitioner(params RddBase[] inputs) => new(Math.Max(1, inputs.Max(r => r.NumPartitions)));
}
