using Dataflow.Execution;

namespace Dataflow.Collections;

/// <summary>
/// One input of <see cref="HashGrouper"/>: records sorted by key hash (from a grouping
/// <see cref="ExternalSorter{TKey, TItem}"/>), keeping the input's value type so its groups can spill.
/// </summary>
internal abstract class GroupSource<TKey> : IDisposable
{
    /// <summary>Whether a record is waiting.</summary>
    public abstract bool HasCurrent { get; }

    /// <summary>The waiting record's key hash, in the sorter's (unsigned) order.</summary>
    public abstract uint CurrentHash { get; }

    /// <summary>
    /// Moves every record with key hash <paramref name="hash"/> into its key's group for input
    /// <paramref name="input"/> in <paramref name="keys"/>, adding keys not seen yet.
    /// </summary>
    public abstract void Drain(uint hash, List<KeyGroups<TKey>> keys, int input, int inputs);

    public abstract void Dispose();

    /// <summary>The hash the grouping sorter orders by.</summary>
    internal static uint HashOf(TKey key) => key is null ? 0u : (uint)KeyEquality<TKey>.Comparer.GetHashCode(key);
}

/// <inheritdoc />
internal sealed class GroupSource<TKey, TValue> : GroupSource<TKey>
{
    private readonly TaskContext _context;
    private readonly IEnumerator<(TKey Key, TValue Value)> _records;
    private bool _hasCurrent;
    private uint _currentHash;
    private int _drained;

    /// <param name="context">The running task.</param>
    /// <param name="sortedByHash">Records ordered by <see cref="GroupSource{TKey}.HashOf"/>.</param>
    public GroupSource(TaskContext context, IEnumerable<(TKey Key, TValue Value)> sortedByHash)
    {
        _context = context;
        _records = sortedByHash.GetEnumerator();
        Advance();
    }

    /// <summary>Sorts <paramref name="records"/> by key hash within the task's memory and reads them back as a source.</summary>
    public static GroupSource<TKey, TValue> Sort(TaskContext context, IEnumerable<(TKey Key, TValue Value)> records)
    {
        var sorter = ExternalSorter<TKey, TValue>.ForGrouping(context);
        try
        {
            sorter.InsertAll(InterruptibleEnumerable.Wrap(records, context.CancellationToken));
            return new GroupSource<TKey, TValue>(context, sorter.Iterator());
        }
        catch
        {
            sorter.Dispose();
            throw;
        }
    }

    public override bool HasCurrent => _hasCurrent;

    public override uint CurrentHash => _currentHash;

    public override void Drain(uint hash, List<KeyGroups<TKey>> keys, int input, int inputs)
    {
        var comparer = KeyEquality<TKey>.Comparer;
        while (_hasCurrent && _currentHash == hash)
        {
            var (key, value) = _records.Current;
            KeyGroups<TKey>? entry = null;
            foreach (var candidate in keys)
            {
                if (comparer.Equals(candidate.Key, key))
                {
                    entry = candidate;
                    break;
                }
            }

            if (entry is null)
            {
                entry = new KeyGroups<TKey>(key, inputs);
                keys.Add(entry);
            }

            var group = (SpillableGroup<TValue>?)entry.Groups[input];
            if (group is null)
            {
                group = new SpillableGroup<TValue>(_context);
                entry.Groups[input] = group;
            }

            group.Add(value);
            if ((++_drained & 4095) == 0)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
            }

            Advance();
        }
    }

    public override void Dispose() => _records.Dispose();

    private void Advance()
    {
        _hasCurrent = _records.MoveNext();
        if (_hasCurrent)
        {
            _currentHash = HashOf(_records.Current.Key);
        }
    }
}
