using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Pairs the i-th element of <paramref name="first"/> with the i-th element of <paramref name="second"/>, partition
    /// by partition, without a shuffle. Both RDDs must have the same number of partitions (checked here, an
    /// <see cref="ArgumentException"/> naming both counts) and the same number of elements in each partition (checked as
    /// the task runs: an <see cref="InvalidOperationException"/> naming the partition and both lengths, which fails the
    /// job). RDDs derived from one RDD by per-element operators such as <c>Select</c> qualify; after a <c>Where</c> or a
    /// shuffle they usually do not.
    /// </summary>
    /// <example><code>var withSquares = numbers.Zip(numbers.Select(x => x * x));</code></example>
    /// <remarks>Spark: zip</remarks>
    public static Rdd<(TFirst First, TSecond Second)> Zip<TFirst, TSecond>(this Rdd<TFirst> first, Rdd<TSecond> second,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var callSite = new CallSite(nameof(Zip), callerFile, callerLine);
        return new ZippedPartitionsRdd<TFirst, TSecond, (TFirst First, TSecond Second)>(first, second,
            (_, index, a, b) => ZipElements(a, b, index, first.Id, second.Id, callSite), false, callSite);
    }

    /// <summary>
    /// Combines partition i of <paramref name="first"/> with partition i of <paramref name="second"/> through
    /// <paramref name="selector"/>, in one task and without a shuffle. Both RDDs must have the same number of partitions
    /// (checked here); the partitions' lengths may differ. Set <paramref name="preservesPartitioning"/> when the result
    /// is keyed like <paramref name="first"/>.
    /// </summary>
    /// <example><code>var merged = left.ZipPartitions(right, (a, b) => a.Concat(b));</code></example>
    /// <remarks>Spark: zipPartitions</remarks>
    public static Rdd<TResult> ZipPartitions<TFirst, TSecond, TResult>(this Rdd<TFirst> first, Rdd<TSecond> second,
        Func<IEnumerable<TFirst>, IEnumerable<TSecond>, IEnumerable<TResult>> selector, bool preservesPartitioning = false,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(selector);
        RejectAsyncResult<TResult>(nameof(ZipPartitions), callerFile, callerLine);
        return new ZippedPartitionsRdd<TFirst, TSecond, TResult>(first, second, (_, _, a, b) => selector(a, b), preservesPartitioning,
            new CallSite(nameof(ZipPartitions), callerFile, callerLine));
    }

    private static IEnumerable<(TFirst First, TSecond Second)> ZipElements<TFirst, TSecond>(
        IEnumerable<TFirst> first, IEnumerable<TSecond> second, int partition, int firstId, int secondId, CallSite callSite)
    {
        using var a = first.GetEnumerator();
        using var b = second.GetEnumerator();
        long paired = 0;
        while (true)
        {
            var hasFirst = a.MoveNext();
            var hasSecond = b.MoveNext();
            if (hasFirst && hasSecond)
            {
                paired++;
                yield return (a.Current, b.Current);
            }
            else if (hasFirst == hasSecond)
            {
                yield break;
            }
            else
            {
                // Read the longer side to its end so the message can give both lengths.
                var firstCount = paired + (hasFirst ? 1 + ZipRemaining(a) : 0);
                var secondCount = paired + (hasSecond ? 1 + ZipRemaining(b) : 0);
                throw new InvalidOperationException(
                    $"{callSite}: partition {partition} has {firstCount} element(s) in the first RDD (RDD {firstId}) and {secondCount} in the " +
                    $"second (RDD {secondId}); Zip needs the same number of elements in every partition. Use ZipWithIndex and Join to pair by position instead.");
            }
        }
    }

    private static long ZipRemaining<T>(IEnumerator<T> e)
    {
        long n = 0;
        while (e.MoveNext())
        {
            n++;
        }

        return n;
    }
}
