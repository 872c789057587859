using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Reduces the elements with an associative and commutative <paramref name="func"/> (each partition, then the
    /// partition results on the driver). Throws <see cref="InvalidOperationException"/> on an empty RDD, as LINQ does.
    /// </summary>
    /// <remarks>Spark: reduce</remarks>
    public static async Task<T> AggregateAsync<T>(this Rdd<T> source, Func<T, T, T> func, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(func);
        var hasValue = false;
        T result = default!;
        await source.Context.RunJobAsync(source, (_, items) => ReducePartition(items, func), null, (_, partial) =>
        {
            if (partial.HasValue)
            {
                result = hasValue ? func(result, partial.Value) : partial.Value;
                hasValue = true;
            }
        }, new CallSite(nameof(AggregateAsync), callerFile, callerLine), cancellationToken).ConfigureAwait(false);
        return hasValue ? result : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>
    /// Folds the elements: each partition starts from its own copy of <paramref name="seed"/>, and the partition results
    /// are folded into another copy on the driver with the same <paramref name="func"/> (so the seed must be its
    /// identity: 0 for +, 1 for *).
    /// </summary>
    /// <remarks>Spark: fold</remarks>
    public static Task<T> AggregateAsync<T>(this Rdd<T> source, T seed, Func<T, T, T> func, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        source.AggregateAsync(seed, func, func, cancellationToken, callerFile, callerLine);

    /// <summary>
    /// Aggregates into an accumulator of another type: each partition folds its elements into its own copy of
    /// <paramref name="seed"/> with <paramref name="func"/>, and the driver merges the partition results into another
    /// copy with <paramref name="combine"/>. Seeds are deep copies (through the record serializer), so a mutable seed
    /// is safe.
    /// </summary>
    /// <remarks>Spark: aggregate</remarks>
    public static async Task<TAccumulate> AggregateAsync<T, TAccumulate>(this Rdd<T> source, TAccumulate seed,
        Func<TAccumulate, T, TAccumulate> func, Func<TAccumulate, TAccumulate, TAccumulate> combine,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(func);
        ArgumentNullException.ThrowIfNull(combine);
        var result = DeepCopySeed(seed);
        await source.Context.RunJobAsync(source, (_, items) => items.Aggregate(DeepCopySeed(seed), func), null,
            (_, partial) => result = combine(result, partial), new CallSite(nameof(AggregateAsync), callerFile, callerLine), cancellationToken)
            .ConfigureAwait(false);
        return result;
    }

    private static (bool HasValue, T Value) ReducePartition<T>(IEnumerable<T> items, Func<T, T, T> func)
    {
        using var e = items.GetEnumerator();
        if (!e.MoveNext())
        {
            return (false, default!);
        }

        var acc = e.Current;
        while (e.MoveNext())
        {
            acc = func(acc, e.Current);
        }

        return (true, acc);
    }
}
