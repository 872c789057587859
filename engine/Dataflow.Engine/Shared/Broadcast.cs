using Dataflow.Execution;

namespace Dataflow.Shared;

/// <summary>
/// A read-only value shipped to each executor once and shared by all its tasks, instead of being captured by
/// every task's closure. Create with <c>DataflowContext.Broadcast</c>; read <see cref="Value"/> inside tasks.
/// </summary>
/// <example><code>
/// var stopWords = ctx.Broadcast(new HashSet&lt;string&gt; { "the", "a" });
/// var kept = words.Where(w => !stopWords.Value.Contains(w));
/// </code></example>
/// <remarks>Spark: Broadcast</remarks>
public sealed class Broadcast<T>
{
    private readonly T _value;
    private readonly DataflowContext _context;
    private volatile bool _destroyed;

    internal Broadcast(long id, T value, DataflowContext context, CallSite callSite)
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

            return TaskContext.Current is { } task ? (T)task.Environment.Broadcasts.GetOrFetch(Id, () => _value)! : _value;
        }
    }

    /// <summary>Drops the executors' copies; the next use fetches the value again.</summary>
    /// <remarks>Spark: unpersist</remarks>
    public Task UnpersistAsync()
    {
        _context.Environment.Broadcasts.Remove(Id);
        return Task.CompletedTask;
    }

    /// <summary>Drops the value everywhere; any later use (on the driver or in a task) is an error.</summary>
    /// <remarks>Spark: destroy</remarks>
    public Task DestroyAsync()
    {
        _destroyed = true;
        return UnpersistAsync();
    }

    /// <inheritdoc />
    public override string ToString() => $"Broadcast({Id})";
}
