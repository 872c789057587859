namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// The incremental partition scan behind <c>TakeAsync</c>, <c>FirstAsync</c> and <c>IsEmptyAsync</c>: the first
    /// <paramref name="count"/> elements in partition order, scanning one partition first, then more, estimated from
    /// how many elements the partitions scanned so far yielded (at most four times as many each round). Each action
    /// passes its own call site, so its jobs carry its name.
    /// </summary>
    private static async Task<List<T>> TakeCoreAsync<T>(Rdd<T> source, int count, CallSite callSite, CancellationToken cancellationToken)
    {
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
