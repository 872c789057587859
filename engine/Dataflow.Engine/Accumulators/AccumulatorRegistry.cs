namespace Dataflow.Accumulators;

/// <summary>
/// The driver's accumulators by id, into which successful tasks' copies are merged. Held weakly: an accumulator the
/// program no longer references (every iteration of a training loop may create some) is collected with its entry, as
/// nothing could read what a task would still merge into it; a job's closures reference its accumulators, so none
/// is collected while a job that updates it runs.
/// </summary>
/// <remarks>Spark: AccumulatorContext (weak references, cleaned like other per-job state).</remarks>
internal sealed class AccumulatorRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, WeakReference<Accumulator>> _accumulators = [];
    private long _nextId;
    private int _pruneAt = 64;

    /// <summary>Drops the entries of collected accumulators and counts the others (for tests).</summary>
    internal int PruneAndCount()
    {
        lock (_lock)
        {
            Prune();
            return _accumulators.Count;
        }
    }

    public T Register<T>(T accumulator, string? name) where T : Accumulator
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        lock (_lock)
        {
            if (accumulator.Id >= 0)
            {
                throw new InvalidOperationException($"Accumulator '{accumulator.Name ?? accumulator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}' is already registered.");
            }

            accumulator.Id = _nextId++;
            accumulator.Name = name;
            _accumulators.Add(accumulator.Id, new WeakReference<Accumulator>(accumulator));
            if (_accumulators.Count >= _pruneAt)
            {
                Prune();
            }
        }

        return accumulator;
    }

    public void Merge(Accumulator update)
    {
        Accumulator? target = null;
        lock (_lock)
        {
            if (_accumulators.TryGetValue(update.Id, out var entry) && !entry.TryGetTarget(out target))
            {
                _accumulators.Remove(update.Id);
            }
        }

        // An update for an accumulator of another context (not registered here), or one nobody references any more,
        // cannot be read by anyone; ignore it.
        target?.MergeUntyped(update);
    }

    /// <summary>Drops the entries of collected accumulators; called under the lock, amortised over registrations.</summary>
    private void Prune()
    {
        foreach (var (id, entry) in _accumulators.Where(p => !p.Value.TryGetTarget(out _)).ToList())
        {
            _accumulators.Remove(id);
        }

        // Next prune when the live entries have doubled, so registration stays amortised O(1).
        _pruneAt = Math.Max(64, _accumulators.Count * 2);
    }
}
