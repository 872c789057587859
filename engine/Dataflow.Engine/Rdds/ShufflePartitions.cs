using Dataflow.Collections;
using Dataflow.Execution;

namespace Dataflow.Rdds;

/// <summary>Helpers shared by the reduce sides.</summary>
internal static class ShufflePartitions
{
    public static Partition[] Create(int count)
    {
        var partitions = new Partition[count];
        for (var i = 0; i < count; i++)
        {
            partitions[i] = new Partition(i);
        }

        return partitions;
    }

    /// <summary>
    /// The records sorted by key within the task's memory (<see cref="ExternalSorter{TKey, TItem}"/>: sorted runs
    /// spilled when refused memory, then a k-way merge). Lazy.
    /// </summary>
    public static IEnumerable<(TKey Key, TValue Value)> SortByKey<TKey, TValue>(TaskContext context, IEnumerable<(TKey Key, TValue Value)> records, IComparer<TKey> ordering)
    {
        using var sorter = ExternalSorter<TKey, TValue>.ForOrdering(context, ordering);
        sorter.InsertAll(InterruptibleEnumerable.Wrap(records, context.CancellationToken));
        foreach (var record in sorter.Iterator())
        {
            yield return record;
        }
    }
}
