namespace Dataflow.Collections;

/// <summary>One key and its groups, one per co-grouped input (null where that input has no value for the key).</summary>
internal sealed class KeyGroups<TKey>(TKey key, int inputs)
{
    public TKey Key { get; } = key;

    public IValueGroup?[] Groups { get; } = new IValueGroup?[inputs];

    /// <summary>The groups as objects, an empty collection for inputs without values.</summary>
    public IReadOnlyCollection<object?>[] Boxed()
    {
        var boxed = new IReadOnlyCollection<object?>[Groups.Length];
        for (var i = 0; i < boxed.Length; i++)
        {
            boxed[i] = Groups[i]?.Boxed ?? [];
        }

        return boxed;
    }
}
