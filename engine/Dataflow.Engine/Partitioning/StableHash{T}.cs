namespace Dataflow.Partitioning;

/// <summary>The hasher for <typeparamref name="T"/>, chosen once on first use by <see cref="StableHashFactory"/>.</summary>
internal static class StableHash<T>
{
    public static readonly Func<T, int> Compute = StableHashFactory.Create<T>();
}
