using System.Collections;

namespace Dataflow;

/// <summary>
/// A key and the elements that share it: what <c>GroupBy</c> yields. Unlike LINQ's own grouping it is a plain
/// serialisable shape (a public <see cref="Key"/> and <see cref="Elements"/> matching the constructor), so groupings
/// can cross a shuffle, a spill or a process like any other record.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TElement">The element type.</typeparam>
/// <example><code>var byLength = words.GroupBy(w => w.Length); // Rdd&lt;IGrouping&lt;int, string&gt;&gt;</code></example>
/// <remarks>Spark: the (K, Iterable[T]) pairs of groupBy</remarks>
public sealed class Grouping<TKey, TElement> : IGrouping<TKey, TElement>
{
    /// <summary>Creates a grouping of <paramref name="elements"/> under <paramref name="key"/>.</summary>
    public Grouping(TKey key, IReadOnlyList<TElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        Key = key;
        Elements = elements;
    }

    /// <inheritdoc />
    public TKey Key { get; }

    /// <summary>The elements of the group, in no particular order.</summary>
    public IReadOnlyList<TElement> Elements { get; }

    /// <inheritdoc />
    public IEnumerator<TElement> GetEnumerator() => Elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"{Key}: [{string.Join(", ", Elements)}]";
}
