using Dataflow.Execution;

namespace Dataflow.Broadcasting;

/// <summary>
/// A read-only value shipped to each executor once and shared by all its tasks, instead of being captured by
/// every task's closure. Create with <c>DataflowContext.Broadcast</c>; read <see cref="Value"/> inside tasks.
/// </summary>
/// <example><code>
/// var stopWords = ctx.Broadcast(new HashSet&lt;string&gt; { "the", "a" });
/// var kept = words.Where(w => !stopWords.Value.Contains(w));
/// </code></example>
/// <remarks>Spark: Broadcast</remarks>
public sealed class Broadcast<T> : IBroadcast
{
    private readonly T _value;

    // Null in an executor-side handle: a closure shipped to a worker carries only the id (Serialization/Closures/BroadcastFormatter).
    private readonly DataflowContext? _context;
    private volatile bool _destroyed;

    /// <summary>
    /// Creates the driver's broadcast, or (<paramref name="context"/> <c>null</c>) the handle a closure deserialised on a
    /// worker gets: it has no value of its own and reads the executor's copy, which the worker must have received (or
    /// be able to fetch) by then.
    /// </summary>
    internal Broadcast(long id, T value, DataflowContext? context, CallSite callSite)
    {
        Id = id;
        _value = value;
        _context = context;
        CallSite = callSite;
    }

    /// <summary>A number unique within the context.</summary>
    public long Id { get; }

    /// <summary>Where the broadcast was created.</summary>
    public CallSite CallSite { get; }

    /// <summary>The value: inside a task, the executor's copy (fetched at its first use on that executor).</summary>
    /// <exception cref="InvalidOperationException">The broadcast was destroyed.</exception>
    public T Value
    {
        get
        {
            if (_destroyed)
            {
                throw new InvalidOperationException($"Broadcast {Id} (created by {CallSite}) was destroyed; it cannot be used after DestroyAsync.");
            }

            if (TaskContext.Current is { } task)
            {
                var fetch = task.Environment.FetchBroadcast;
                return (T)task.Environment.Broadcasts.GetOrFetch(Id, _context is not null ? () => _value : fetch is not null ? () => fetch(Id) : () => throw MissingOn(task))!;
            }

            return _context is null
                ? throw new InvalidOperationException($"Broadcast {Id} (created by {CallSite}) is a worker's handle; its value is read inside tasks only.")
                : _value;
        }
    }

    /// <summary>Drops the executors' copies; the next use fetches the value again.</summary>
    /// <remarks>Spark: unpersist</remarks>
    public Task UnpersistAsync() => DriverContext().UnpersistBroadcastAsync(Id, destroyed: false);

    /// <summary>Drops the value everywhere; any later use (on the driver or in a task) is an error.</summary>
    /// <remarks>Spark: destroy</remarks>
    public Task DestroyAsync()
    {
        var context = DriverContext();
        _destroyed = true;
        return context.UnpersistBroadcastAsync(Id, destroyed: true);
    }

    /// <summary>Whether <see cref="DestroyAsync"/> was called (a closure capturing it then cannot be shipped).</summary>
    internal bool IsDestroyed => _destroyed;

    bool IBroadcast.IsDestroyed => _destroyed;

    /// <inheritdoc />
    public override string ToString() => $"Broadcast({Id})";

    private DataflowContext DriverContext() => _context ??
        throw new InvalidOperationException($"Broadcast {Id} (created by {CallSite}) can be unpersisted or destroyed only on the driver.");

    private InvalidOperationException MissingOn(TaskContext task) => new(
        $"Broadcast {Id} (created by {CallSite}) has no value on executor {task.Environment.ExecutorId}: the worker was not sent it.");
}
