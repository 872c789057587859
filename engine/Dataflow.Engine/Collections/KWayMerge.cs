namespace Dataflow.Collections;

/// <summary>Merges sorted sequences into one sorted sequence, holding one record per source.</summary>
internal static class KWayMerge
{
    /// <summary>
    /// The records of every source in <paramref name="comparer"/> order; ties come from the lower-numbered source
    /// first. Each source must already be sorted by <paramref name="comparer"/>.
    /// </summary>
    public static IEnumerable<T> Merge<T>(IReadOnlyList<IEnumerable<T>> sources, IComparer<T> comparer)
    {
        if (sources.Count == 1)
        {
            foreach (var item in sources[0])
            {
                yield return item;
            }

            yield break;
        }

        var enumerators = new List<IEnumerator<T>>(sources.Count);
        try
        {
            var queue = new PriorityQueue<int, (T Item, int Source)>(sources.Count, new HeadComparer<T>(comparer));
            for (var i = 0; i < sources.Count; i++)
            {
                var enumerator = sources[i].GetEnumerator();
                enumerators.Add(enumerator);
                if (enumerator.MoveNext())
                {
                    queue.Enqueue(i, (enumerator.Current, i));
                }
            }

            while (queue.TryPeek(out var source, out var head))
            {
                yield return head.Item;
                var enumerator = enumerators[source];
                if (enumerator.MoveNext())
                {
                    queue.DequeueEnqueue(source, (enumerator.Current, source));
                }
                else
                {
                    queue.Dequeue();
                }
            }
        }
        finally
        {
            foreach (var enumerator in enumerators)
            {
                enumerator.Dispose();
            }
        }
    }

    private sealed class HeadComparer<T>(IComparer<T> comparer) : IComparer<(T Item, int Source)>
    {
        public int Compare((T Item, int Source) x, (T Item, int Source) y)
        {
            var c = comparer.Compare(x.Item, y.Item);
            return c != 0 ? c : x.Source.CompareTo(y.Source);
        }
    }
}
