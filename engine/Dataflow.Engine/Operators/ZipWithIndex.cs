using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Pairs each element with its index in the RDD: partition order, then order within the partition, as
    /// <c>Select((x, i) =&gt; ...)</c> numbers a sequence. The first action on the result first runs a small job that
    /// counts the elements of every partition but the last (none with a single partition), so the partitions must come
    /// out the same each time they are computed; building the RDD runs nothing.
    /// </summary>
    /// <example><code>var numbered = lines.ZipWithIndex(); // (line, 0), (line, 1), ...</code></example>
    /// <remarks>Spark: zipWithIndex</remarks>
    public static Rdd<(T Value, long Index)> ZipWithIndex<T>(this Rdd<T> source,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ZipWithIndexRdd<T>(source, new CallSite(nameof(ZipWithIndex), callerFile, callerLine));
    }

    /// <summary>
    /// Pairs each element with a unique id without running a job: the k-th element of partition p of an RDD with n
    /// partitions gets <c>k * n + p</c>. The ids are unique but have gaps unless the partitions are of equal size.
    /// </summary>
    /// <remarks>Spark: zipWithUniqueId</remarks>
    public static Rdd<(T Value, long Id)> ZipWithUniqueId<T>(this Rdd<T> source,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);

        // Capture the count, not the RDD (as Spark does): a closure holding an RDD could not be shipped to workers.
        var partitions = source.NumPartitions;
        return Narrow(source, (_, index, items) => ZipUniqueIds(items, index, partitions), false, nameof(ZipWithUniqueId), callerFile, callerLine);
    }

    private static IEnumerable<(T Value, long Id)> ZipUniqueIds<T>(IEnumerable<T> items, int partition, int numPartitions)
    {
        var id = (long)partition;
        foreach (var item in items)
        {
            yield return (item, id);
            id += numPartitions;
        }
    }
}
