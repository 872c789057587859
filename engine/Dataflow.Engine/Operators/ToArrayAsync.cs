using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Runs the RDD and returns all its elements on the driver as an array, in partition order.</summary>
    /// <remarks>Spark: collect</remarks>
    public static async Task<T[]> ToArrayAsync<T>(this Rdd<T> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        RddBase.EnsurePartitions(source);
        var parts = new T[source.NumPartitions][];
        await source.Context.RunJobAsync(source, static (_, items) => items.ToArray(), null, (p, part) => parts[p] = part,
            new CallSite(nameof(ToArrayAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        var result = new T[parts.Sum(p => (long)p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
