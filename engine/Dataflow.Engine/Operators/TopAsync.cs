using System.Runtime.CompilerServices;
using Dataflow.Collections;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The <paramref name="count"/> largest elements by <paramref name="comparer"/> (default ordering when
    /// <c>null</c>), largest first. Each task keeps only its <paramref name="count"/> largest in a bounded heap, so
    /// the driver receives at most <paramref name="count"/> elements per partition and merges them into another.
    /// </summary>
    /// <example><code>var top3 = await scores.TopAsync(3); // as scores.OrderByDescending(x => x).Take(3)</code></example>
    /// <remarks>Spark: top</remarks>
    public static Task<List<T>> TopAsync<T>(this Rdd<T> source, int count, IComparer<T>? comparer = null,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return LargestAsync(source, count, comparer ?? Comparer<T>.Default, new CallSite(nameof(TopAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>
    /// The <paramref name="count"/> smallest elements by <paramref name="comparer"/> (default ordering when
    /// <c>null</c>), smallest first, with a bounded heap per task as <c>TopAsync</c>.
    /// </summary>
    /// <example><code>var bottom3 = await scores.TakeOrderedAsync(3); // as scores.Order().Take(3)</code></example>
    /// <remarks>Spark: takeOrdered</remarks>
    public static Task<List<T>> TakeOrderedAsync<T>(this Rdd<T> source, int count, IComparer<T>? comparer = null,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = comparer ?? Comparer<T>.Default;

        // The smallest by an order are the largest by its reverse, and "largest first" by the reverse is ascending.
        return LargestAsync(source, count, Comparer<T>.Create((a, b) => order.Compare(b, a)),
            new CallSite(nameof(TakeOrderedAsync), callerFile, callerLine), cancellationToken);
    }

    private static async Task<List<T>> LargestAsync<T>(Rdd<T> source, int count, IComparer<T> comparer, CallSite callSite,
        CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        var merged = new BoundedPriorityQueue<T>(count, comparer);
        await source.Context.RunJobAsync(source, (_, items) =>
        {
            var heap = new BoundedPriorityQueue<T>(count, comparer);
            heap.AddRange(items);
            return heap.ToSortedList();
        }, null, (_, partial) => merged.AddRange(partial), callSite, cancellationToken).ConfigureAwait(false);
        return merged.ToSortedList();
    }
}
