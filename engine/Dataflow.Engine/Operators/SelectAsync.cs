using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>The default number of async calls a task keeps in flight in <c>SelectAsync</c>/<c>WhereAsync</c>.</summary>
    public const int DefaultAsyncConcurrency = 16;

    /// <summary>
    /// Projects each element with an async function (a web call, a database lookup), keeping up to
    /// <paramref name="maxConcurrency"/> calls in flight per task; results keep the input order. The function
    /// receives the task's cancellation token.
    /// </summary>
    /// <remarks>Spark: map (with async user code)</remarks>
    public static Rdd<TResult> SelectAsync<T, TResult>(this Rdd<T> source, Func<T, CancellationToken, Task<TResult>> selector,
        int maxConcurrency = DefaultAsyncConcurrency, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        return Narrow(source, (task, _, items) => Pipelined(items, selector, maxConcurrency, task.CancellationToken), false,
            nameof(SelectAsync), callerFile, callerLine);
    }

    /// <summary>As <see cref="SelectAsync{T, TResult}(Rdd{T}, Func{T, CancellationToken, Task{TResult}}, int, string, int)"/> without the token.</summary>
    /// <remarks>Spark: map (with async user code)</remarks>
    public static Rdd<TResult> SelectAsync<T, TResult>(this Rdd<T> source, Func<T, Task<TResult>> selector,
        int maxConcurrency = DefaultAsyncConcurrency, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return source.SelectAsync((x, _) => selector(x), maxConcurrency, callerFile, callerLine);
    }

    /// <summary>Keeps the elements for which an async predicate is true, up to <paramref name="maxConcurrency"/> calls in flight per task, in order.</summary>
    /// <remarks>Spark: filter (with async user code)</remarks>
    public static Rdd<T> WhereAsync<T>(this Rdd<T> source, Func<T, CancellationToken, Task<bool>> predicate,
        int maxConcurrency = DefaultAsyncConcurrency, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        return Narrow(source, (task, _, items) =>
                Pipelined(items, async (x, ct) => (Item: x, Keep: await predicate(x, ct).ConfigureAwait(false)), maxConcurrency, task.CancellationToken)
                    .Where(r => r.Keep).Select(r => r.Item),
            true, nameof(WhereAsync), callerFile, callerLine);
    }

    /// <summary>As <see cref="WhereAsync{T}(Rdd{T}, Func{T, CancellationToken, Task{bool}}, int, string, int)"/> without the token.</summary>
    /// <remarks>Spark: filter (with async user code)</remarks>
    public static Rdd<T> WhereAsync<T>(this Rdd<T> source, Func<T, Task<bool>> predicate,
        int maxConcurrency = DefaultAsyncConcurrency, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return source.WhereAsync((x, _) => predicate(x), maxConcurrency, callerFile, callerLine);
    }

    /// <summary>
    /// Starts calls for the next items while earlier ones complete, keeping at most <paramref name="window"/> in
    /// flight, and yields results in input order. Blocking on the oldest call is fine here: tasks run on dedicated
    /// executor threads, never on the thread pool or a grain turn.
    /// </summary>
    private static IEnumerable<TResult> Pipelined<T, TResult>(IEnumerable<T> items, Func<T, CancellationToken, Task<TResult>> call, int window,
        CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Task<TResult>>(window);
        foreach (var item in items)
        {
            if (inFlight.Count == window)
            {
                yield return inFlight.Dequeue().WaitAsync(cancellationToken).GetAwaiter().GetResult();
            }

            inFlight.Enqueue(call(item, cancellationToken));
        }

        while (inFlight.Count > 0)
        {
            yield return inFlight.Dequeue().WaitAsync(cancellationToken).GetAwaiter().GetResult();
        }
    }
}
