namespace Dataflow.Collections;

/// <summary>
/// Orders elements by a key computed from each (one level of an <c>OrderBy</c>/<c>ThenBy</c> chain). Keys are
/// recomputed on every comparison rather than stored beside the element, so the shuffle moves only the elements;
/// key selectors must therefore be pure, as LINQ already assumes.
/// </summary>
internal sealed class KeySelectorComparer<T, TKey>(Func<T, TKey> keySelector, IComparer<TKey> comparer, bool descending) : IPrefixComparer<T>
{
    /// <summary>The key comparer's prefix of each element's key, inverted when descending.</summary>
    public Func<T, ulong>? PrefixFunction() => SortPrefix<TKey>.For(comparer) is not { } prefix
        ? null
        : descending ? x => ~prefix(keySelector(x)) : x => prefix(keySelector(x));

    // Swapping the arguments (not negating the result) reverses the order safely even for comparers returning int.MinValue.
    public int Compare(T? x, T? y) => descending
        ? comparer.Compare(keySelector(y!), keySelector(x!))
        : comparer.Compare(keySelector(x!), keySelector(y!));
}
