using System.Numerics;
using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>The sum of the elements (0 when empty): per partition in the tasks, then on the driver. Overflow throws <see cref="OverflowException"/> (checked, as LINQ).</summary>
    /// <remarks>Spark: sum</remarks>
    public static Task<int> SumAsync(this Rdd<int> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        SumCoreAsync(source, static x => x, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);

    /// <summary>The sum of the elements (0 when empty): per partition in the tasks, then on the driver. Overflow throws <see cref="OverflowException"/> (checked, as LINQ).</summary>
    /// <remarks>Spark: sum</remarks>
    public static Task<long> SumAsync(this Rdd<long> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        SumCoreAsync(source, static x => x, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);

    /// <summary>The sum of the elements (0 when empty): per partition in the tasks, then on the driver. Accumulates in <see cref="double"/>, as LINQ does.</summary>
    /// <remarks>Spark: sum</remarks>
    public static async Task<float> SumAsync(this Rdd<float> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        (float)await SumCoreAsync(source, static x => (double)x, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);

    /// <summary>The sum of the elements (0 when empty): per partition in the tasks, then on the driver.</summary>
    /// <remarks>Spark: sum</remarks>
    public static Task<double> SumAsync(this Rdd<double> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        SumCoreAsync(source, static x => x, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);

    /// <summary>The sum of the elements (0 when empty): per partition in the tasks, then on the driver.</summary>
    /// <remarks>Spark: sum</remarks>
    public static Task<decimal> SumAsync(this Rdd<decimal> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        SumCoreAsync(source, static x => x, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);

    /// <summary>The sum of <paramref name="selector"/> over the elements (0 when empty), computed as <see cref="SumAsync(Rdd{int}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + sum</remarks>
    public static Task<int> SumAsync<T>(this Rdd<T> source, Func<T, int> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return SumCoreAsync(source, selector, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>The sum of <paramref name="selector"/> over the elements (0 when empty), computed as <see cref="SumAsync(Rdd{long}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + sum</remarks>
    public static Task<long> SumAsync<T>(this Rdd<T> source, Func<T, long> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return SumCoreAsync(source, selector, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>The sum of <paramref name="selector"/> over the elements (0 when empty), computed as <see cref="SumAsync(Rdd{float}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + sum</remarks>
    public static async Task<float> SumAsync<T>(this Rdd<T> source, Func<T, float> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return (float)await SumCoreAsync(source, x => (double)selector(x), new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sum of <paramref name="selector"/> over the elements (0 when empty), computed as <see cref="SumAsync(Rdd{double}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + sum</remarks>
    public static Task<double> SumAsync<T>(this Rdd<T> source, Func<T, double> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return SumCoreAsync(source, selector, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>The sum of <paramref name="selector"/> over the elements (0 when empty), computed as <see cref="SumAsync(Rdd{decimal}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + sum</remarks>
    public static Task<decimal> SumAsync<T>(this Rdd<T> source, Func<T, decimal> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return SumCoreAsync(source, selector, new CallSite(nameof(SumAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>
    /// Sums in the tasks, then sums the partition results on the driver in partition order (so floating-point results
    /// do not depend on which task finished first). Int, long and decimal sums are checked: an overflow throws
    /// <see cref="OverflowException"/> from the action, as LINQ's does, rather than failing (and retrying) the task.
    /// </summary>
    private static async Task<TSum> SumCoreAsync<T, TSum>(Rdd<T> source, Func<T, TSum> selector, CallSite callSite, CancellationToken cancellationToken)
        where TSum : INumber<TSum>
    {
        ArgumentNullException.ThrowIfNull(source);
        RddBase.EnsurePartitions(source);
        var partials = new (TSum Sum, long Count, bool Overflowed)[source.NumPartitions];
        await source.Context.RunJobAsync(source, (_, items) => SumPartition(items, selector), null, (p, partial) => partials[p] = partial,
            callSite, cancellationToken).ConfigureAwait(false);
        var total = TSum.Zero;
        for (var p = 0; p < partials.Length; p++)
        {
            ThrowIfOverflowed<TSum>(partials[p].Overflowed, p, callSite);
            total = checked(total + partials[p].Sum);
        }

        return total;
    }

    /// <summary>Sum and count of one partition; stops at an overflow and reports it instead of throwing in the task.</summary>
    private static (TSum Sum, long Count, bool Overflowed) SumPartition<T, TSum>(IEnumerable<T> items, Func<T, TSum> selector)
        where TSum : INumber<TSum>
    {
        var sum = TSum.Zero;
        long count = 0;
        foreach (var item in items)
        {
            var value = selector(item);
            try
            {
                sum = checked(sum + value);
            }
            catch (OverflowException)
            {
                // Deterministic, so a retry would fail the same way; the driver rethrows it as LINQ would.
                return (sum, count, true);
            }

            count++;
        }

        return (sum, count, false);
    }

    private static void ThrowIfOverflowed<TSum>(bool overflowed, int partition, CallSite callSite)
    {
        if (overflowed)
        {
            throw new OverflowException($"{callSite}: the sum of partition {partition} overflows {typeof(TSum).Name}.");
        }
    }
}
