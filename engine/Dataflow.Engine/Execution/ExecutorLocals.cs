using System.Collections.Concurrent;

namespace Dataflow.Execution;

/// <summary>
/// Objects kept by one executor for one application, by key: created by the first task that asks for a key, shared by
/// every later task and job of the application on that executor, and disposed with the application. Reach it from task
/// code as <see cref="TaskContext.ExecutorLocals"/>.
/// </summary>
/// <remarks>
/// <para>
/// What it is for: state that is expensive to build and outlives tasks, such as an accelerator context and the
/// training blocks an ML job keeps resident in device memory across iterations, or the parameter server's client
/// with its cache of parameter shards. Values are per process: in local mode there is one set per
/// <see cref="DataflowContext"/>, disposed when the context is disposed; on a cluster, one set per application per
/// worker, disposed when the driver removes its application (the context is disposed, or the driver stopped
/// answering for <c>Dataflow:Worker:DriverTimeout</c>).
/// </para>
/// <para>
/// Values are never shipped and never recomputed: a task must not rely on one being present (a new executor starts
/// empty), so <see cref="GetOrAdd{T}(string, Func{T})"/> is the way in. Values that implement
/// <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> are disposed in the reverse order of their creation.
/// </para>
/// <para>Spark has no public analogue; it is what a <c>lazy val</c> in a Scala <c>object</c> gives an executor JVM.</para>
/// </remarks>
/// <example><code>
/// rdd.SelectPartitions(rows =>
/// {
///     var device = TaskContext.Current!.ExecutorLocals.GetOrAdd("gpu", () => new DeviceBlocks());
///     return device.Score(rows);
/// });
/// </code></example>
public sealed class ExecutorLocals
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _orderLock = new();
    private readonly List<Entry> _created = [];
    private int _disposed;

    internal ExecutorLocals()
    {
    }

    /// <summary>The number of values created and not yet disposed.</summary>
    public int Count
    {
        get
        {
            lock (_orderLock)
            {
                return _created.Count;
            }
        }
    }

    /// <summary>
    /// The value under <paramref name="key"/>, created by <paramref name="create"/> if there is none yet. However
    /// many tasks ask at once, <paramref name="create"/> runs once per key on this executor; the others wait for its
    /// value. If it throws, nothing is stored and the exception propagates to every waiting caller; a later call tries
    /// again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key holds a value of a type that is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The application has ended on this executor.</exception>
    public T GetOrAdd<T>(string key, Func<T> create)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(create);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static (k, c) => new Entry(k, () => c()), create);
            object value;
            try
            {
                value = entry.Value;
            }
            catch
            {
                // Forget the failed creation so that a later task may try again (only this entry, not a newer one).
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                throw;
            }

            if (!entry.Recorded)
            {
                Record(entry);
            }

            if (!_entries.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                // Disposed and removed meanwhile (the application ended): the loop's check throws.
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                continue;
            }

            return value as T ?? throw new InvalidOperationException(
                $"Executor-local '{key}' holds a {value.GetType().FullName}, not a {typeof(T).FullName}; use another key for another type.");
        }
    }

    /// <summary>Gets the value under <paramref name="key"/> if one has been created.</summary>
    public bool TryGetValue<T>(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_entries.TryGetValue(key, out var entry) && entry.IsCreated && entry.Value is T typed)
        {
            value = typed;
            return true;
        }

        value = null;
        return false;
    }

    private void Record(Entry entry)
    {
        var disposeNow = false;
        lock (_orderLock)
        {
            if (!entry.Recorded)
            {
                entry.Recorded = true;
                if (Volatile.Read(ref _disposed) != 0)
                {
                    disposeNow = true;
                }
                else
                {
                    _created.Add(entry);
                }
            }
        }

        if (disposeNow)
        {
            // Created while the application was ending: nobody else will dispose it.
            _entries.TryRemove(new KeyValuePair<string, Entry>(entry.Key, entry));
            DisposeValueAsync(entry).AsTask().GetAwaiter().GetResult();
            throw new ObjectDisposedException(nameof(ExecutorLocals), $"The application ended while executor-local '{entry.Key}' was being created.");
        }
    }

    /// <summary>
    /// Disposes every value, newest first; called once when the application ends on this executor. All values are
    /// disposed even if some throw; then the first failure is rethrown, naming its key.
    /// </summary>
    internal async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Entry[] created;
        lock (_orderLock)
        {
            created = [.. _created];
            _created.Clear();
        }

        _entries.Clear();
        Exception? first = null;
        for (var i = created.Length - 1; i >= 0; i--)
        {
            try
            {
                await DisposeValueAsync(created[i]).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                first ??= new InvalidOperationException($"Disposing executor-local '{created[i].Key}' failed: {e.Message}", e);
            }
        }

        if (first is not null)
        {
            throw first;
        }
    }

    /// <summary>
    /// <see cref="DisposeAsync"/> for callers that cannot await (a worker removing an application); runs on the thread
    /// pool so that no caller's synchronisation context is needed to finish it.
    /// </summary>
    internal void Dispose() => Task.Run(async () => await DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();

    private static ValueTask DisposeValueAsync(Entry entry)
    {
        switch (entry.Value)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
        }
    }

    private sealed class Entry(string key, Func<object> create)
    {
        private readonly Lazy<object> _value = new(() => create() ?? throw new InvalidOperationException(
            $"The factory of executor-local '{key}' returned null."), LazyThreadSafetyMode.ExecutionAndPublication);

        public string Key { get; } = key;

        public object Value => _value.Value;

        public bool IsCreated => _value.IsValueCreated;

        /// <summary>Whether the value is in the creation order (guarded by the owner's lock).</summary>
        public bool Recorded { get; set; }
    }
}
