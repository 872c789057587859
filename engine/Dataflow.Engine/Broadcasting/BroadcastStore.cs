using System.Collections.Concurrent;

namespace Dataflow.Broadcasting;

/// <summary>An executor's copies of broadcast values, fetched once per executor and shared by its tasks.</summary>
internal sealed class BroadcastStore
{
    private readonly ConcurrentDictionary<long, Lazy<object?>> _values = new();
    private long _fetches;

    /// <summary>How many times a value was fetched from the driver (once per broadcast unless unpersisted).</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    /// <summary>The executor's copy, fetched by the first task that needs it while the others wait; a failed fetch is forgotten, so the next use tries again.</summary>
    public object? GetOrFetch(long id, Func<object?> fetch)
    {
        var entry = _values.GetOrAdd(id, _ => new Lazy<object?>(() =>
        {
            Interlocked.Increment(ref _fetches);
            return fetch();
        }));
        try
        {
            return entry.Value;
        }
        catch
        {
            _values.TryRemove(new KeyValuePair<long, Lazy<object?>>(id, entry));
            throw;
        }
    }

    public void Remove(long id) => _values.TryRemove(id, out _);

    /// <summary>How many broadcast copies the executor holds (for tests).</summary>
    public int Count => _values.Count;
}
