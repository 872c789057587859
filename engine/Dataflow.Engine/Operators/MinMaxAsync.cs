using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>The smallest element; throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: min</remarks>
    public static async Task<int> MinAsync(this Rdd<int> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest element; throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: min</remarks>
    public static async Task<long> MinAsync(this Rdd<long> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest element; throws <see cref="InvalidOperationException"/> when empty. NaN is smaller than every number (so any NaN is the result), as in LINQ.</summary>
    /// <remarks>Spark: min</remarks>
    public static async Task<float> MinAsync(this Rdd<float> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest element; throws <see cref="InvalidOperationException"/> when empty. NaN is smaller than every number (so any NaN is the result), as in LINQ.</summary>
    /// <remarks>Spark: min</remarks>
    public static async Task<double> MinAsync(this Rdd<double> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest element; throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: min</remarks>
    public static async Task<decimal> MinAsync(this Rdd<decimal> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest value of <paramref name="selector"/> over the elements, as <see cref="MinAsync(Rdd{int}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + min</remarks>
    public static async Task<int> MinAsync<T>(this Rdd<T> source, Func<T, int> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest value of <paramref name="selector"/> over the elements, as <see cref="MinAsync(Rdd{long}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + min</remarks>
    public static async Task<long> MinAsync<T>(this Rdd<T> source, Func<T, long> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest value of <paramref name="selector"/> over the elements, as <see cref="MinAsync(Rdd{float}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + min</remarks>
    public static async Task<float> MinAsync<T>(this Rdd<T> source, Func<T, float> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest value of <paramref name="selector"/> over the elements, as <see cref="MinAsync(Rdd{double}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + min</remarks>
    public static async Task<double> MinAsync<T>(this Rdd<T> source, Func<T, double> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The smallest value of <paramref name="selector"/> over the elements, as <see cref="MinAsync(Rdd{decimal}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + min</remarks>
    public static async Task<decimal> MinAsync<T>(this Rdd<T> source, Func<T, decimal> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, false, new CallSite(nameof(MinAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>
    /// The smallest element by <paramref name="comparer"/> (default ordering when <c>null</c>), the first of equals in
    /// partition order. As LINQ: <c>null</c> elements are ignored, an empty RDD gives <c>null</c> when
    /// <typeparamref name="T"/> can be null and throws <see cref="InvalidOperationException"/> otherwise.
    /// </summary>
    /// <remarks>Spark: min</remarks>
    public static async Task<T?> MinAsync<T>(this Rdd<T> source, IComparer<T>? comparer = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, comparer, false, new CallSite(nameof(MinAsync), callerFile, callerLine),
            cancellationToken).ConfigureAwait(false);
        return found || default(T) is null ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest element; throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: max</remarks>
    public static async Task<int> MaxAsync(this Rdd<int> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest element; throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: max</remarks>
    public static async Task<long> MaxAsync(this Rdd<long> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest element; throws <see cref="InvalidOperationException"/> when empty. NaN is smaller than every number (so it is the result only when every element is NaN), as in LINQ.</summary>
    /// <remarks>Spark: max</remarks>
    public static async Task<float> MaxAsync(this Rdd<float> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest element; throws <see cref="InvalidOperationException"/> when empty. NaN is smaller than every number (so it is the result only when every element is NaN), as in LINQ.</summary>
    /// <remarks>Spark: max</remarks>
    public static async Task<double> MaxAsync(this Rdd<double> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest element; throws <see cref="InvalidOperationException"/> when empty.</summary>
    /// <remarks>Spark: max</remarks>
    public static async Task<decimal> MaxAsync(this Rdd<decimal> source, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest value of <paramref name="selector"/> over the elements, as <see cref="MaxAsync(Rdd{int}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + max</remarks>
    public static async Task<int> MaxAsync<T>(this Rdd<T> source, Func<T, int> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest value of <paramref name="selector"/> over the elements, as <see cref="MaxAsync(Rdd{long}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + max</remarks>
    public static async Task<long> MaxAsync<T>(this Rdd<T> source, Func<T, long> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest value of <paramref name="selector"/> over the elements, as <see cref="MaxAsync(Rdd{float}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + max</remarks>
    public static async Task<float> MaxAsync<T>(this Rdd<T> source, Func<T, float> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest value of <paramref name="selector"/> over the elements, as <see cref="MaxAsync(Rdd{double}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + max</remarks>
    public static async Task<double> MaxAsync<T>(this Rdd<T> source, Func<T, double> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>The largest value of <paramref name="selector"/> over the elements, as <see cref="MaxAsync(Rdd{decimal}, CancellationToken, string, int)"/>.</summary>
    /// <remarks>Spark: map + max</remarks>
    public static async Task<decimal> MaxAsync<T>(this Rdd<T> source, Func<T, decimal> selector, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var (found, value) = await ExtremeCoreAsync(source, selector, null, true, new CallSite(nameof(MaxAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return found ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>
    /// The largest element by <paramref name="comparer"/> (default ordering when <c>null</c>), the first of equals in
    /// partition order. As LINQ: <c>null</c> elements are ignored, an empty RDD gives <c>null</c> when
    /// <typeparamref name="T"/> can be null and throws <see cref="InvalidOperationException"/> otherwise.
    /// </summary>
    /// <remarks>Spark: max</remarks>
    public static async Task<T?> MaxAsync<T>(this Rdd<T> source, IComparer<T>? comparer = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var (found, value) = await ExtremeCoreAsync(source, static x => x, comparer, true, new CallSite(nameof(MaxAsync), callerFile, callerLine),
            cancellationToken).ConfigureAwait(false);
        return found || default(T) is null ? value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>
    /// The extreme value per partition in the tasks, then over the partition results on the driver in partition order,
    /// keeping the first of equal values as LINQ does. Null values are skipped (LINQ's rule for nullable types).
    /// </summary>
    private static async Task<(bool Found, TValue Value)> ExtremeCoreAsync<T, TValue>(Rdd<T> source, Func<T, TValue> selector,
        IComparer<TValue>? comparer, bool max, CallSite callSite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var order = comparer ?? Comparer<TValue>.Default;

        // Comparer<double>.Default orders NaN below every number, which is exactly LINQ's Min/Max NaN rule.
        bool Better(TValue candidate, TValue current) => max ? order.Compare(candidate, current) > 0 : order.Compare(candidate, current) < 0;
        (bool Found, TValue Value) Fold(IEnumerable<TValue> values)
        {
            (bool Found, TValue Value) best = (false, default!);
            foreach (var value in values)
            {
                if (value is not null && (!best.Found || Better(value, best.Value)))
                {
                    best = (true, value);
                }
            }

            return best;
        }

        RddBase.EnsurePartitions(source);
        var partials = new (bool Found, TValue Value)[source.NumPartitions];
        await source.Context.RunJobAsync(source, (_, items) => Fold(items.Select(selector)), null, (p, partial) => partials[p] = partial,
            callSite, cancellationToken).ConfigureAwait(false);
        return Fold(partials.Where(p => p.Found).Select(p => p.Value));
    }
}
