using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The first <paramref name="count"/> elements in partition order. Scans as few partitions as it can: first one,
    /// then more, estimated from how many elements the partitions scanned so far yielded (at most four times as many
    /// each round).
    /// </summary>
    /// <remarks>Spark: take</remarks>
    public static async Task<List<T>> TakeAsync<T>(this Rdd<T> source, int count, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var callSite = new CallSite(nameof(TakeAsync), callerFile, callerLine);
        var result = new List<T>(Math.Min(count, 1024));
        var total = source.NumPartitions;
        var scanned = 0;
        while (result.Count < count && scanned < total)
        {
            var toTry = 1;
            if (scanned > 0)
            {
                toTry = result.Count == 0
                    ? scanned * 4
                    : Math.Clamp((int)Math.Ceiling(1.5 * count * scanned / result.Count) - scanned, 1, scanned * 4);
            }

            var partitions = Enumerable.Range(scanned, Math.Min(toTry, total - scanned)).ToList();
            var wanted = count - result.Count;
            var parts = new Dictionary<int, List<T>>();
            await source.Context.RunJobAsync(source, (_, items) => items.Take(wanted).ToList(), partitions, (p, list) => parts[p] = list,
                callSite, cancellationToken).ConfigureAwait(false);
            foreach (var p in partitions)
            {
                result.AddRange(parts[p].Take(count - result.Count));
            }

            scanned += partitions.Count;
        }

        return result;
    }
}
