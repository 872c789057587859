using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Count, mean, variance (population and sample), standard deviation, minimum, maximum and sum in one pass: each
    /// task summarises its partition in a <see cref="StatCounter"/>, and the driver merges those in partition order.
    /// An empty RDD gives a counter with <see cref="StatCounter.Count"/> 0 and NaN mean.
    /// </summary>
    /// <example><code>var stats = await latencies.StatsAsync(); // stats.Mean, stats.SampleStdev, stats.Max ...</code></example>
    /// <remarks>Spark: stats</remarks>
    public static Task<StatCounter> StatsAsync(this Rdd<double> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        StatsCoreAsync(source, static x => x, new CallSite(nameof(StatsAsync), callerFile, callerLine), cancellationToken);

    /// <summary>As <see cref="StatsAsync(Rdd{double}, CancellationToken, string, int)"/> over <paramref name="selector"/> of each element.</summary>
    /// <remarks>Spark: map + stats</remarks>
    public static Task<StatCounter> StatsAsync<T>(this Rdd<T> source, Func<T, double> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return StatsCoreAsync(source, selector, new CallSite(nameof(StatsAsync), callerFile, callerLine), cancellationToken);
    }

    private static async Task<StatCounter> StatsCoreAsync<T>(Rdd<T> source, Func<T, double> selector, CallSite callSite,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        RddBase.EnsurePartitions(source);
        var partials = new StatCounter[source.NumPartitions];
        await source.Context.RunJobAsync(source, (_, items) => new StatCounter(items.Select(selector)), null, (p, stats) => partials[p] = stats,
            callSite, cancellationToken).ConfigureAwait(false);
        var result = new StatCounter();
        foreach (var partial in partials)
        {
            result.Merge(partial);
        }

        return result;
    }
}
