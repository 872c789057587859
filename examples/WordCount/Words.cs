namespace Dataflow.Examples.WordCount;

/// <summary>The word rule and the ranking of WordCount.</summary>
public static class Words
{
    /// <summary>Count descending, then word in ordinal order.</summary>
    public static readonly Comparison<(string Word, int Count)> Ranking =
        (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Word, b.Word);

    /// <summary>The words of a line: maximal runs of letters (<see cref="char.IsLetter(char)"/>), lower-cased invariantly.</summary>
    public static IEnumerable<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var start = -1;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && char.IsLetter(line[i]))
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                yield return Lower(line, start, i - start);
                start = -1;
            }
        }
    }

    /// <summary>The <paramref name="n"/> best entries by <see cref="Ranking"/>, best first.</summary>
    public static List<(string Word, int Count)> Top(IEnumerable<(string Word, int Count)> items, int n)
    {
        ArgumentNullException.ThrowIfNull(items);
        var comparer = Comparer<(string Word, int Count)>.Create(Ranking);
        // A max-heap on the ranking keeps the n best seen so far; its root is the worst of them.
        var heap = new PriorityQueue<(string Word, int Count), (string Word, int Count)>(Comparer<(string Word, int Count)>.Create((a, b) => Ranking(b, a)));
        foreach (var item in items)
        {
            if (heap.Count < n)
            {
                heap.Enqueue(item, item);
            }
            else if (n > 0 && comparer.Compare(item, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(item, item);
            }
        }

        var result = new List<(string Word, int Count)>(heap.Count);
        while (heap.Count > 0)
        {
            result.Add(heap.Dequeue());
        }

        result.Sort(Ranking);
        return result;
    }

    private static string Lower(string line, int start, int length) =>
        string.Create(length, (line, start), static (span, state) => state.line.AsSpan(state.start, span.Length).ToLowerInvariant(span));
}
