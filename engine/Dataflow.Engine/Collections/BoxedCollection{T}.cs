using System.Collections;

namespace Dataflow.Collections;

/// <summary>A typed collection seen as objects (the groups of a co-group are untyped), without copying.</summary>
internal sealed class BoxedCollection<T>(IReadOnlyCollection<T> inner) : IReadOnlyCollection<object?>
{
    public int Count => inner.Count;

    public IEnumerator<object?> GetEnumerator()
    {
        foreach (var item in inner)
        {
            yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
