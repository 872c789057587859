using System.Runtime.InteropServices;

// Null keys never reach the dictionary (they live in _nullValue), so its notnull constraint holds.
#pragma warning disable CS8714

namespace Dataflow.Collections;

/// <summary>
/// A hash map from key to combiner that, unlike <see cref="Dictionary{TKey, TValue}"/>, accepts a <c>null</c> key
/// (LINQ and Spark both group null keys). Used for map-side combine, reduce-side aggregation and grouping.
/// </summary>
internal sealed class CombineMap<TKey, TCombiner>
{
    private readonly Dictionary<TKey, TCombiner> _map;
    private bool _hasNull;
    private TCombiner _nullValue = default!;

    public CombineMap(IEqualityComparer<TKey>? comparer = null) => _map = new Dictionary<TKey, TCombiner>(comparer ?? KeyEquality<TKey>.Comparer);

    public int Count => _map.Count + (_hasNull ? 1 : 0);

    /// <summary>Inserts <paramref name="value"/> with <paramref name="create"/>, or folds it into the existing combiner with <paramref name="merge"/>.</summary>
    public void Combine<TValue>(TKey key, TValue value, Func<TValue, TCombiner> create, Func<TCombiner, TValue, TCombiner> merge)
    {
        if (key is null)
        {
            _nullValue = _hasNull ? merge(_nullValue, value) : create(value);
            _hasNull = true;
            return;
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out var exists);
        slot = exists ? merge(slot!, value) : create(value);
    }

    /// <summary>Gets the combiner for <paramref name="key"/>, adding one made by <paramref name="create"/> if missing.</summary>
    public TCombiner GetOrAdd(TKey key, Func<TCombiner> create)
    {
        if (key is null)
        {
            if (!_hasNull)
            {
                _nullValue = create();
                _hasNull = true;
            }

            return _nullValue;
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out var exists);
        if (!exists)
        {
            slot = create();
        }

        return slot!;
    }

    public IEnumerable<(TKey Key, TCombiner Value)> Entries()
    {
        if (_hasNull)
        {
            yield return (default!, _nullValue);
        }

        foreach (var pair in _map)
        {
            yield return (pair.Key, pair.Value);
        }
    }
}
