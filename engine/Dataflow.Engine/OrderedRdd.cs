using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

/// <summary>
/// The result of <c>OrderBy</c>/<c>OrderByDescending</c>: the elements sorted across partitions (partition 0 holds
/// the first ones, each partition is sorted), which <c>ThenBy</c>/<c>ThenByDescending</c> refine. It is one sort by
/// one composite comparer: a <c>ThenBy</c> does not sort the sorted output again but builds a new
/// <see cref="OrderedRdd{T}"/> from the original source with the comparer extended, so <c>orderby a, b descending</c>
/// costs one sampling job and one shuffle whatever the number of keys. Ties come in no particular order (the sort is
/// not stable).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <example><code>
/// var ranked = from p in people orderby p.Age descending, p.Name select p;
/// </code></example>
/// <remarks>Spark: sortBy</remarks>
public sealed class OrderedRdd<T> : Rdd<T>
{
    private readonly Rdd<(T Key, byte Value)> _sorted;

    internal OrderedRdd(Rdd<T> source, IComparer<T> ordering, int numPartitions, CallSite callSite)
        : base(Sort(source, ordering, numPartitions, callSite), callSite)
    {
        Source = source;
        Ordering = ordering;
        SortPartitions = numPartitions;
        _sorted = (Rdd<(T Key, byte Value)>)Dependencies[0].Rdd;
    }

    /// <summary>The unsorted input, which a <c>ThenBy</c> sorts again with a longer comparer.</summary>
    internal Rdd<T> Source { get; }

    /// <summary>The composite order of all keys so far, directions included.</summary>
    internal IComparer<T> Ordering { get; }

    /// <summary>The number of range partitions of the sort.</summary>
    internal int SortPartitions { get; }

    /// <inheritdoc />
    protected override Partition[] GetPartitions() => [.. _sorted.Partitions];

    /// <inheritdoc />
    protected internal override IEnumerable<T> Compute(Partition split, TaskContext context) =>
        _sorted.Iterator(split, context).Select(static record => record.Key);

    /// <summary>
    /// The element is its own sort key: range-partition the elements by bounds sampled from the source (lazily, when
    /// the first action runs), then sort each partition, exactly as <c>SortByKey</c> does for pairs.
    /// </summary>
    private static ShuffledRdd<T, byte> Sort(Rdd<T> source, IComparer<T> ordering, int numPartitions, CallSite callSite)
    {
        var keyed = Rdd.Narrow(source, static (_, _, items) => items.Select(static x => (x, (byte)0)), false, callSite.Operation, callSite.File, callSite.Line);
        var partitioner = new RangePartitioner<T>(numPartitions, source, ordering, ascending: true);
        var dependency = new ShuffleDependency<T, byte, byte>(keyed, partitioner, null, false, ordering, callSite);
        return new ShuffledRdd<T, byte>(dependency, callSite);
    }
}
