namespace Dataflow.Collections;

/// <summary>
/// Keeps the <c>capacity</c> largest elements (by a comparer) of everything added, in memory proportional to the
/// capacity, not to the input: a min-heap whose root is the smallest element kept, replaced when a larger one comes.
/// </summary>
/// <remarks>Spark: BoundedPriorityQueue</remarks>
internal sealed class BoundedPriorityQueue<T>
{
    private readonly int _capacity;
    private readonly IComparer<T> _comparer;
    private readonly PriorityQueue<T, T> _heap;

    public BoundedPriorityQueue(int capacity, IComparer<T> comparer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _comparer = comparer;

        // Not sized to the capacity: a Top(1_000_000) over a small partition must not allocate a million slots.
        _heap = new PriorityQueue<T, T>(comparer);
    }

    public int Count => _heap.Count;

    public void Add(T item)
    {
        if (_heap.Count < _capacity)
        {
            _heap.Enqueue(item, item);
        }
        else if (_capacity > 0 && _comparer.Compare(item, _heap.Peek()) > 0)
        {
            _heap.DequeueEnqueue(item, item);
        }
    }

    public void AddRange(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            Add(item);
        }
    }

    /// <summary>The elements kept, largest first.</summary>
    public List<T> ToSortedList()
    {
        var result = _heap.UnorderedItems.Select(entry => entry.Element).ToList();
        result.Sort((a, b) => _comparer.Compare(b, a));
        return result;
    }
}
