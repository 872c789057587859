using System.Collections;

namespace Dataflow.Collections;

/// <summary>
/// How the engine decides that two keys are the same key when grouping, combining or joining: by value. For most
/// types that is <see cref="EqualityComparer{T}.Default"/>; arrays compare by reference by default, which would
/// silently split equal keys, so <c>byte[]</c> keys use <see cref="ByteArrayComparer"/> and other arrays compare
/// element by element.
/// </summary>
internal static class KeyEquality<TKey>
{
    public static IEqualityComparer<TKey> Comparer { get; } =
        typeof(TKey) == typeof(byte[]) ? (IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance
        : typeof(TKey).IsArray ? new Structural()
        : EqualityComparer<TKey>.Default;

    private sealed class Structural : IEqualityComparer<TKey>
    {
        public bool Equals(TKey? x, TKey? y) => StructuralComparisons.StructuralEqualityComparer.Equals(x, y);

        public int GetHashCode(TKey obj) => obj is null ? 0 : StructuralComparisons.StructuralEqualityComparer.GetHashCode(obj);
    }
}
