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

    public static IEnumerable<(TKey Key, TValue Value)> SortByKey<TKey, TValue>(IEnumerable<(TKey Key, TValue Value)> records, IComparer<TKey> ordering)
    {
        var list = records.ToList();
        var keyComparer = Comparer<(TKey Key, TValue Value)>.Create((a, b) => ordering.Compare(a.Key, b.Key));
        list.Sort(keyComparer);
        return list;
    }
}
