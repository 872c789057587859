using System.Runtime.CompilerServices;
using Dataflow.Execution;
using Dataflow.Scheduling;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The values of <paramref name="key"/>, in partition order. When the RDD has a partitioner (after
    /// <c>PartitionBy</c>, <c>ReduceByKey</c>, <c>SortByKey</c> ...), only the one partition that can hold the key is
    /// computed: a single task. Otherwise every partition is filtered.
    /// </summary>
    /// <example><code>var byUser = events.PartitionBy(new HashPartitioner(64)); var mine = await byUser.LookupAsync("alice"); // one task</code></example>
    /// <remarks>Spark: lookup</remarks>
    public static async Task<List<TValue>> LookupAsync<TKey, TValue>(this Rdd<(TKey Key, TValue Value)> source, TKey key,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var callSite = new CallSite(nameof(LookupAsync), callerFile, callerLine);
        var comparer = EqualityComparer<TKey>.Default;
        Func<TaskContext, IEnumerable<(TKey Key, TValue Value)>, List<TValue>> valuesOfKey =
            (_, items) => [.. items.Where(kv => comparer.Equals(kv.Key, key)).Select(kv => kv.Value)];
        if (source.Partitioner is { } partitioner)
        {
            // A range partitioner only knows its bounds after sampling; do that now (the job would do it anyway).
            if (partitioner is IRequiresPreparation { IsPrepared: false } unprepared)
            {
                await unprepared.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            List<TValue> values = [];
            await source.Context.RunJobAsync(source, valuesOfKey, [partitioner.GetPartition(key)], (_, found) => values = found, callSite,
                cancellationToken).ConfigureAwait(false);
            return values;
        }

        RddBase.EnsurePartitions(source);
        var parts = new List<TValue>[source.NumPartitions];
        await source.Context.RunJobAsync(source, valuesOfKey, null, (p, found) => parts[p] = found, callSite, cancellationToken).ConfigureAwait(false);
        return [.. parts.SelectMany(p => p)];
    }
}
