using System.Numerics;
using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>The mean of the elements (sum and count per partition, in one job; the sum accumulates in <see cref="long"/>, checked, as LINQ). Throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: mean</remarks>
    public static async Task<double> AverageAsync(this Rdd<int> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var s = await AverageCoreAsync(source, static x => (long)x, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return (double)s.Sum / s.Count;
    }

    /// <summary>The mean of the elements (sum and count per partition, in one job; the sum accumulates in <see cref="long"/>, checked, as LINQ). Throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: mean</remarks>
    public static async Task<double> AverageAsync(this Rdd<long> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var s = await AverageCoreAsync(source, static x => x, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return (double)s.Sum / s.Count;
    }

    /// <summary>The mean of the elements (sum and count per partition, in one job; the sum accumulates in <see cref="double"/>, as LINQ). Throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: mean</remarks>
    public static async Task<float> AverageAsync(this Rdd<float> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var s = await AverageCoreAsync(source, static x => (double)x, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return (float)(s.Sum / s.Count);
    }

    /// <summary>The mean of the elements (sum and count per partition, in one job; the sum accumulates in <see cref="double"/>, as LINQ). Throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: mean</remarks>
    public static async Task<double> AverageAsync(this Rdd<double> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var s = await AverageCoreAsync(source, static x => x, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return s.Sum / s.Count;
    }

    /// <summary>The mean of the elements (sum and count per partition, in one job; the sum accumulates in <see cref="decimal"/>, as LINQ). Throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: mean</remarks>
    public static async Task<decimal> AverageAsync(this Rdd<decimal> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var s = await AverageCoreAsync(source, static x => x, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return s.Sum / s.Count;
    }

    /// <summary>The mean of <paramref name="selector"/> over the elements, computed as <see cref="AverageAsync(Rdd{int}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + mean</remarks>
    public static async Task<double> AverageAsync<T>(this Rdd<T> source, Func<T, int> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var s = await AverageCoreAsync(source, x => (long)selector(x), new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return (double)s.Sum / s.Count;
    }

    /// <summary>The mean of <paramref name="selector"/> over the elements, computed as <see cref="AverageAsync(Rdd{long}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + mean</remarks>
    public static async Task<double> AverageAsync<T>(this Rdd<T> source, Func<T, long> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var s = await AverageCoreAsync(source, selector, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return (double)s.Sum / s.Count;
    }

    /// <summary>The mean of <paramref name="selector"/> over the elements, computed as <see cref="AverageAsync(Rdd{float}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + mean</remarks>
    public static async Task<float> AverageAsync<T>(this Rdd<T> source, Func<T, float> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var s = await AverageCoreAsync(source, x => (double)selector(x), new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return (float)(s.Sum / s.Count);
    }

    /// <summary>The mean of <paramref name="selector"/> over the elements, computed as <see cref="AverageAsync(Rdd{double}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + mean</remarks>
    public static async Task<double> AverageAsync<T>(this Rdd<T> source, Func<T, double> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var s = await AverageCoreAsync(source, selector, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return s.Sum / s.Count;
    }

    /// <summary>The mean of <paramref name="selector"/> over the elements, computed as <see cref="AverageAsync(Rdd{decimal}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + mean</remarks>
    public static async Task<decimal> AverageAsync<T>(this Rdd<T> source, Func<T, decimal> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var s = await AverageCoreAsync(source, selector, new CallSite(nameof(AverageAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return s.Sum / s.Count;
    }

    /// <summary>Sum and count in the tasks, combined on the driver in partition order; throws on an empty RDD as LINQ does.</summary>
    private static async Task<(TSum Sum, long Count)> AverageCoreAsync<T, TSum>(Rdd<T> source, Func<T, TSum> selector, CallSite callSite,
        CancellationToken cancellationToken)
        where TSum : INumber<TSum>
    {
        ArgumentNullException.ThrowIfNull(source);
        RddBase.EnsurePartitions(source);
        var partials = new (TSum Sum, long Count, bool Overflowed)[source.NumPartitions];
        await source.Context.RunJobAsync(source, (_, items) => SumPartition(items, selector), null, (p, partial) => partials[p] = partial,
            callSite, cancellationToken).ConfigureAwait(false);
        var total = TSum.Zero;
        long n = 0;
        for (var p = 0; p < partials.Length; p++)
        {
            ThrowIfOverflowed<TSum>(partials[p].Overflowed, p, callSite);
            total = checked(total + partials[p].Sum);
            n += partials[p].Count;
        }

        return n > 0 ? (total, n) : throw new InvalidOperationException("Sequence contains no elements.");
    }
}
