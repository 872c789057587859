namespace Dataflow.Collections;

/// <summary>Orders by <paramref name="primary"/>, breaking its ties with <paramref name="secondary"/>: <c>OrderBy(a).ThenBy(b)</c> as one comparer.</summary>
internal sealed class ThenComparer<T>(IComparer<T> primary, IComparer<T> secondary) : IPrefixComparer<T>
{
    /// <summary>The primary order's prefix: the secondary only breaks its ties.</summary>
    public Func<T, ulong>? PrefixFunction() => SortPrefix<T>.For(primary);

    public int Compare(T? x, T? y)
    {
        var result = primary.Compare(x, y);
        return result != 0 ? result : secondary.Compare(x, y);
    }
}
