using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Streams the elements to the driver partition by partition, in order: one job per partition, started as the
    /// enumeration reaches it, so the driver holds one partition at a time (two with
    /// <paramref name="prefetchPartitions"/>, which computes the next partition while the current one is consumed).
    /// Stopping early runs no further jobs. Cancel with <c>WithCancellation</c>; an RDD whose partitions come from a
    /// shuffle computes that shuffle once, in the first job.
    /// </summary>
    /// <example><code>await foreach (var line in lines.AsAsyncEnumerable().WithCancellation(ct)) { ... }</code></example>
    /// <remarks>Spark: toLocalIterator</remarks>
    public static IAsyncEnumerable<T> AsAsyncEnumerable<T>(this Rdd<T> source, bool prefetchPartitions = false,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        return StreamPartitionsAsync(source, prefetchPartitions, new CallSite(nameof(AsAsyncEnumerable), callerFile, callerLine));
    }

    private static async IAsyncEnumerable<T> StreamPartitionsAsync<T>(Rdd<T> source, bool prefetch, CallSite callSite,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RddBase.EnsurePartitions(source);
        var count = source.NumPartitions;
        if (count == 0)
        {
            yield break;
        }

        // Cancelled when the consumer stops early, so a prefetched job does not outlive the enumeration.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<List<T>>? next = FetchPartitionAsync(source, 0, callSite, stop.Token);
        try
        {
            for (var p = 0; p < count; p++)
            {
                var items = await next!.ConfigureAwait(false);
                next = p + 1 < count && prefetch ? FetchPartitionAsync(source, p + 1, callSite, stop.Token) : null;
                foreach (var item in items)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return item;
                }

                if (p + 1 < count)
                {
                    next ??= FetchPartitionAsync(source, p + 1, callSite, stop.Token);
                }
            }
        }
        finally
        {
            if (next is not null)
            {
                // The consumer stopped (or failed) before reaching the prefetched partition: stop its job and wait for
                // it, so no job outlives the enumeration. Its outcome no longer matters to anyone.
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await next.ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Deliberately swallowed: the result of an abandoned prefetch is never observed.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    private static async Task<List<T>> FetchPartitionAsync<T>(Rdd<T> source, int partition, CallSite callSite, CancellationToken cancellationToken)
    {
        List<T> items = [];
        await source.Context.RunJobAsync(source, static (_, part) => part.ToList(), [partition], (_, list) => items = list, callSite, cancellationToken)
            .ConfigureAwait(false);
        return items;
    }
}
