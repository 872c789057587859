using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The first element in partition order; throws <see cref="InvalidOperationException"/> when the RDD is empty.
    /// Scans partitions incrementally, as <c>TakeAsync</c> does: usually one task runs.
    /// </summary>
    /// <remarks>Spark: first</remarks>
    public static async Task<T> FirstAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var first = await TakeCoreAsync(source, 1, new CallSite(nameof(FirstAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return first.Count > 0 ? first[0] : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>
    /// The first element, in partition order, that satisfies <paramref name="predicate"/>; throws
    /// <see cref="InvalidOperationException"/> when none does. Scans partitions incrementally.
    /// </summary>
    /// <remarks>Spark: filter + first</remarks>
    public static async Task<T> FirstAsync<T>(this Rdd<T> source, Func<T, bool> predicate, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var first = await FirstMatchingAsync(source, predicate, nameof(FirstAsync), callerFile, callerLine, cancellationToken).ConfigureAwait(false);
        return first.Count > 0 ? first[0] : throw new InvalidOperationException("Sequence contains no matching element.");
    }

    /// <summary>The first element in partition order, or <c>default</c> when the RDD is empty. Scans partitions incrementally.</summary>
    /// <remarks>Spark: take(1)</remarks>
    public static async Task<T?> FirstOrDefaultAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var first = await TakeCoreAsync(source, 1, new CallSite(nameof(FirstOrDefaultAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return first.Count > 0 ? first[0] : default;
    }

    /// <summary>
    /// The first element, in partition order, that satisfies <paramref name="predicate"/>, or <c>default</c> when none
    /// does. Scans partitions incrementally.
    /// </summary>
    /// <remarks>Spark: filter + take(1)</remarks>
    public static async Task<T?> FirstOrDefaultAsync<T>(this Rdd<T> source, Func<T, bool> predicate, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var first = await FirstMatchingAsync(source, predicate, nameof(FirstOrDefaultAsync), callerFile, callerLine, cancellationToken)
            .ConfigureAwait(false);
        return first.Count > 0 ? first[0] : default;
    }

    /// <summary>
    /// Whether the RDD has no elements: looks at one partition, then more as <c>TakeAsync(1)</c> does, and stops at the
    /// first element found. An RDD without partitions is empty without running a job.
    /// </summary>
    /// <remarks>Spark: isEmpty</remarks>
    public static async Task<bool> IsEmptyAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        RddBase.EnsurePartitions(source);
        if (source.NumPartitions == 0)
        {
            return true;
        }

        var first = await TakeCoreAsync(source, 1, new CallSite(nameof(IsEmptyAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return first.Count == 0;
    }

    private static Task<List<T>> FirstMatchingAsync<T>(Rdd<T> source, Func<T, bool> predicate, string operation, string callerFile, int callerLine,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(predicate);
        var matching = Narrow(source, (_, _, items) => items.Where(predicate), true, operation, callerFile, callerLine);
        return TakeCoreAsync(matching, 1, new CallSite(operation, callerFile, callerLine), cancellationToken);
    }
}
