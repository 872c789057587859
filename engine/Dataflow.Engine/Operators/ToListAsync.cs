using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Runs the RDD and returns all its elements on the driver, in partition order.</summary>
    /// <remarks>Spark: collect</remarks>
    public static async Task<List<T>> ToListAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parts = new List<T>[source.NumPartitions];
        await source.Context.RunJobAsync(source, static (_, items) => items.ToList(), null, (p, list) => parts[p] = list,
            new CallSite(nameof(ToListAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        var result = new List<T>(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            result.AddRange(part);
        }

        return result;
    }
}
