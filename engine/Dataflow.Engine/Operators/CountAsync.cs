using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>The number of elements; throws <see cref="OverflowException"/> past <see cref="int.MaxValue"/> (use <see cref="LongCountAsync"/>).</summary>
    /// <remarks>Spark: count</remarks>
    public static async Task<int> CountAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var count = await CountCoreAsync(source, new CallSite(nameof(CountAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return count <= int.MaxValue ? (int)count : throw new OverflowException($"The RDD has {count} elements, more than int.MaxValue; use LongCountAsync.");
    }

    /// <summary>The number of elements as a <see cref="long"/>.</summary>
    /// <remarks>Spark: count</remarks>
    public static Task<long> LongCountAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        CountCoreAsync(source, new CallSite(nameof(LongCountAsync), callerFile, callerLine), cancellationToken);

    private static async Task<long> CountCoreAsync<T>(Rdd<T> source, CallSite callSite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        long total = 0;
        await source.Context.RunJobAsync(source, static (_, items) => items.LongCount(), null, (_, n) => total += n, callSite, cancellationToken)
            .ConfigureAwait(false);
        return total;
    }
}
