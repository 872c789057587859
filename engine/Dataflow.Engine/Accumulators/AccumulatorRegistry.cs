namespace Dataflow.Accumulators;

/// <summary>The driver's accumulators by id, into which successful tasks' copies are merged.</summary>
internal sealed class AccumulatorRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Accumulator> _accumulators = [];
    private long _nextId;

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
            _accumulators.Add(accumulator.Id, accumulator);
        }

        return accumulator;
    }

    public void Merge(Accumulator update)
    {
        Accumulator? target;
        lock (_lock)
        {
            _accumulators.TryGetValue(update.Id, out target);
        }

        // An update for an accumulator of another context (not registered here) cannot be merged; ignore it.
        target?.MergeUntyped(update);
    }
}
