namespace Dataflow.Accumulators;

/// <summary>Collects the added values into a list (order across tasks is unspecified).</summary>
/// <remarks>Spark: CollectionAccumulator</remarks>
public sealed class CollectionAccumulator<T> : AccumulatorBase<T, IReadOnlyList<T>>
{
    private readonly List<T> _items = [];

    /// <inheritdoc />
    public override IReadOnlyList<T> Value
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    /// <inheritdoc />
    public override bool IsZero => _items.Count == 0;

    /// <inheritdoc />
    protected override AccumulatorBase<T, IReadOnlyList<T>> CreateZero() => new CollectionAccumulator<T>();

    /// <inheritdoc />
    protected override void AddValue(T value)
    {
        lock (_items)
        {
            _items.Add(value);
        }
    }

    /// <inheritdoc />
    protected override void Merge(AccumulatorBase<T, IReadOnlyList<T>> other)
    {
        var items = ((CollectionAccumulator<T>)other)._items;
        lock (_items)
        {
            _items.AddRange(items);
        }
    }
}
