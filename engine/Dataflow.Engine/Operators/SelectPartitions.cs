using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Transforms each partition as a whole: <paramref name="selector"/> receives the partition's elements (read
    /// lazily) and returns the new ones. Set <paramref name="preservesPartitioning"/> when keys are unchanged.
    /// </summary>
    /// <example><code>var sums = numbers.SelectPartitions(items => new[] { items.Sum() });</code></example>
    /// <remarks>Spark: mapPartitions</remarks>
    public static Rdd<TResult> SelectPartitions<T, TResult>(this Rdd<T> source, Func<IEnumerable<T>, IEnumerable<TResult>> selector,
        bool preservesPartitioning = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Narrow(source, (_, _, items) => selector(items), preservesPartitioning, nameof(SelectPartitions), callerFile, callerLine);
    }

    /// <summary>As <see cref="SelectPartitions{T, TResult}(Rdd{T}, Func{IEnumerable{T}, IEnumerable{TResult}}, bool, string, int)"/>, also passing the partition index.</summary>
    /// <remarks>Spark: mapPartitionsWithIndex</remarks>
    public static Rdd<TResult> SelectPartitions<T, TResult>(this Rdd<T> source, Func<int, IEnumerable<T>, IEnumerable<TResult>> selector,
        bool preservesPartitioning = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Narrow(source, (_, index, items) => selector(index, items), preservesPartitioning, nameof(SelectPartitions), callerFile, callerLine);
    }
}
