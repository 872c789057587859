using Dataflow.Execution;

namespace Dataflow.Collections;

/// <summary>
/// The reduce-side aggregation map of <c>ReduceByKey</c>, <c>CombineByKey</c> and <c>AggregateByKey</c>: folds
/// values (or map-side combiners) into one combiner per key within the task's memory; when refused memory it spills
/// its entries sorted by key hash, and at the end merges the spills, merging the combiners of equal keys.
/// A one-partition combining <see cref="ExternalSorter{TKey, TItem}"/> underneath.
/// </summary>
/// <remarks>Spark: ExternalAppendOnlyMap</remarks>
internal sealed class ExternalAppendOnlyMap<TKey, TValue, TCombiner> : IDisposable
{
    private readonly ExternalSorter<TKey, TCombiner> _sorter;
    private readonly Func<TValue, TCombiner> _createCombiner;
    private readonly Func<TCombiner, TValue, TCombiner> _mergeValue;

    public ExternalAppendOnlyMap(TaskContext context, Func<TValue, TCombiner> createCombiner,
        Func<TCombiner, TValue, TCombiner> mergeValue, Func<TCombiner, TCombiner, TCombiner> mergeCombiners)
    {
        _sorter = ExternalSorter<TKey, TCombiner>.ForAggregation(context, mergeCombiners);
        _createCombiner = createCombiner;
        _mergeValue = mergeValue;
    }

    /// <summary>Bytes spilled so far.</summary>
    public long SpilledBytes => _sorter.SpilledBytes;

    /// <summary>Times the map spilled.</summary>
    public int SpillCount => _sorter.SpillCount;

    /// <summary>
    /// Lazily aggregates <paramref name="records"/> in the running task: nothing happens until the result is
    /// enumerated, and the map's files and memory go when the enumeration ends.
    /// </summary>
    public static IEnumerable<(TKey Key, TCombiner Value)> Aggregate(TaskContext context, IEnumerable<(TKey Key, TValue Value)> records,
        Func<TValue, TCombiner> createCombiner, Func<TCombiner, TValue, TCombiner> mergeValue, Func<TCombiner, TCombiner, TCombiner> mergeCombiners)
    {
        using var map = new ExternalAppendOnlyMap<TKey, TValue, TCombiner>(context, createCombiner, mergeValue, mergeCombiners);
        map.InsertAll(InterruptibleEnumerable.Wrap(records, context.CancellationToken));
        foreach (var entry in map.Iterator())
        {
            yield return entry;
        }
    }

    public void Insert(TKey key, TValue value) => _sorter.Combine(key, value, _createCombiner, _mergeValue);

    public void InsertAll(IEnumerable<(TKey Key, TValue Value)> records)
    {
        foreach (var (key, value) in records)
        {
            _sorter.Combine(key, value, _createCombiner, _mergeValue);
        }
    }

    /// <summary>One record per key, in key-hash order. Read once; the map disposes itself when the enumeration ends.</summary>
    public IEnumerable<(TKey Key, TCombiner Value)> Iterator() => _sorter.Iterator();

    public void Dispose() => _sorter.Dispose();
}
