using Dataflow.Execution;

namespace Dataflow.Collections;

/// <summary>
/// Groups the values of each key across inputs sorted by key hash, one key at a time, so that no key's values need
/// to fit in memory: for the smallest waiting hash, every input's records with that hash go into per-key
/// <see cref="SpillableGroup{T}"/>s (several keys when hashes collide), which are sealed and handed out before the
/// next hash is read. The reduce side of <c>GroupByKey</c>, co-groups and joins.
/// </summary>
internal static class HashGrouper
{
    /// <summary>Each key with its groups; the sources are disposed when the enumeration ends.</summary>
    public static IEnumerable<KeyGroups<TKey>> Group<TKey>(IReadOnlyList<GroupSource<TKey>> sources)
    {
        var keys = new List<KeyGroups<TKey>>();
        try
        {
            while (true)
            {
                var any = false;
                var hash = 0u;
                foreach (var source in sources)
                {
                    if (source.HasCurrent && (!any || source.CurrentHash < hash))
                    {
                        hash = source.CurrentHash;
                        any = true;
                    }
                }

                if (!any)
                {
                    yield break;
                }

                for (var i = 0; i < sources.Count; i++)
                {
                    sources[i].Drain(hash, keys, i, sources.Count);
                }

                ForEachGroup(keys, static g => g.Seal());
                foreach (var entry in keys)
                {
                    yield return entry;
                }

                // The caller moved on; a group it kept is its own memory now, and a spilled one stays readable until the task ends.
                ForEachGroup(keys, static g => g.Release());
                keys.Clear();
            }
        }
        finally
        {
            ForEachGroup(keys, static g => g.Abandon());
            foreach (var source in sources)
            {
                source.Dispose();
            }
        }
    }

    /// <summary>The values of each key of <paramref name="records"/>, within the task's memory (lazy).</summary>
    public static IEnumerable<(TKey Key, IEnumerable<TValue> Values)> GroupByKey<TKey, TValue>(TaskContext context, IEnumerable<(TKey Key, TValue Value)> records)
    {
        foreach (var entry in Group([GroupSource<TKey, TValue>.Sort(context, records)]))
        {
            yield return (entry.Key, (SpillableGroup<TValue>)entry.Groups[0]!);
        }
    }

    private static void ForEachGroup<TKey>(List<KeyGroups<TKey>> keys, Action<IValueGroup> action)
    {
        foreach (var entry in keys)
        {
            foreach (var group in entry.Groups)
            {
                if (group is not null)
                {
                    action(group);
                }
            }
        }
    }
}
