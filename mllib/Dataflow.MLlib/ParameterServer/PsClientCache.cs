namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// One worker's cache of pulled rows, each with the clock its value reflects (it includes every update of clocks
/// below it from everyone) and the clock it was pulled at. A read inside the consistency bound is served from here
/// without a round trip; a key the worker pushes is dropped (the cached value lacks that update, and reads must
/// include all of the worker's own).
/// </summary>
/// <remarks>Lives in the executor's process (<see cref="PsClientCaches"/> in the executor-local state), so it outlives
/// the task; a restored run clears it.</remarks>
public sealed class PsClientCache
{
    private readonly Dictionary<int, Entry> _entries = [];

    /// <summary>Rows held.</summary>
    public int Count => _entries.Count;

    /// <summary>The cached value of <paramref name="key"/> if it may serve a read at <paramref name="clock"/> under <paramref name="consistency"/>.</summary>
    public bool TryGet(int key, int clock, Consistency consistency, out double value)
    {
        if (_entries.TryGetValue(key, out var entry) && consistency.IsFreshEnough(entry.Reflected, clock, entry.PulledAt))
        {
            value = entry.Value;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> for <paramref name="key"/>, reflecting clocks below <paramref name="reflected"/>, pulled at <paramref name="clock"/>.</summary>
    public void Put(int key, double value, int reflected, int clock) => _entries[key] = new Entry(value, reflected, clock);

    /// <summary>Drops the rows of <paramref name="keys"/>.</summary>
    public void Evict(ReadOnlySpan<int> keys)
    {
        foreach (var key in keys)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Drops every row.</summary>
    public void Clear() => _entries.Clear();

    private readonly record struct Entry(double Value, int Reflected, int PulledAt);
}
