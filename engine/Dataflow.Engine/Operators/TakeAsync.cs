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
        return await TakeCoreAsync(source, count, new CallSite(nameof(TakeAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
    }
}
