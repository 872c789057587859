namespace Dataflow.Storage;

/// <summary>
/// An executor's memory budget (<c>Dataflow:Executor:Memory</c>), one pool shared by execution (sort buffers,
/// aggregation maps, group buffers of running tasks) and storage (cached blocks). Either side may use what the
/// other leaves free; execution may evict cached blocks to get memory back, storage never takes memory from
/// execution. Thread-safe: every task of the executor asks here.
/// </summary>
/// <remarks>
/// <para>Fairness: with N tasks holding execution memory, each may hold at most <c>budget / N</c>. A task that is
/// refused never waits: the structure that asked spills its records to disk and continues, so no task can block
/// another and the budget holds at any moment (up to one batch of records per structure, see
/// <see cref="MemoryConsumer"/>). This is Spark's UnifiedMemoryManager without the wait for a minimum share and
/// without a protected storage fraction.</para>
/// <para>Spark: UnifiedMemoryManager, ExecutionMemoryPool</para>
/// </remarks>
internal sealed class MemoryManager
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, long> _executionByTask = [];
    private long _executionUsed;
    private long _storageUsed;

    /// <summary>Creates a pool of <paramref name="maxMemory"/> bytes.</summary>
    public MemoryManager(long maxMemory)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMemory);
        MaxMemory = maxMemory;
    }

    /// <summary>The budget in bytes.</summary>
    public long MaxMemory { get; }

    /// <summary>The block store that gives cached blocks back when execution needs their memory; null without a cache.</summary>
    public IStorageEvictor? StorageEvictor { get; set; }

    /// <summary>
    /// Test hook: when set, no single memory consumer is granted more than this many bytes, so every sort buffer,
    /// map and group spills after that much data however large the budget is.
    /// </summary>
    public long? ConsumerSpillThreshold { get; set; }

    /// <summary>Bytes held by running tasks.</summary>
    public long ExecutionUsed
    {
        get
        {
            lock (_lock)
            {
                return _executionUsed;
            }
        }
    }

    /// <summary>Bytes held by cached blocks.</summary>
    public long StorageUsed
    {
        get
        {
            lock (_lock)
            {
                return _storageUsed;
            }
        }
    }

    /// <summary>Bytes of execution memory task attempt <paramref name="taskAttemptId"/> holds.</summary>
    public long ExecutionUsedBy(long taskAttemptId)
    {
        lock (_lock)
        {
            return _executionByTask.GetValueOrDefault(taskAttemptId);
        }
    }

    /// <summary>
    /// Grants up to <paramref name="bytes"/> of execution memory to a task: no more than its fair share
    /// (<c>budget / active tasks</c>) minus what it holds, evicting cached blocks when free memory is short.
    /// </summary>
    /// <returns>The bytes granted, from 0 to <paramref name="bytes"/>; the caller spills for the rest.</returns>
    public long AcquireExecution(long taskAttemptId, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long toEvict;
        lock (_lock)
        {
            var wanted = WantedLocked(taskAttemptId, bytes);
            var free = MaxMemory - _executionUsed - _storageUsed;
            if (wanted <= free || StorageEvictor is null || _storageUsed == 0)
            {
                return GrantLocked(taskAttemptId, Math.Min(wanted, free));
            }

            toEvict = Math.Min(wanted - free, _storageUsed);
        }

        // Outside the lock: the evictor takes its own locks and calls ReleaseStorage.
        StorageEvictor.EvictBlocksToFreeSpace(toEvict);
        lock (_lock)
        {
            var wanted = WantedLocked(taskAttemptId, bytes);
            return GrantLocked(taskAttemptId, Math.Min(wanted, MaxMemory - _executionUsed - _storageUsed));
        }
    }

    /// <summary>Returns <paramref name="bytes"/> of a task's execution memory to the pool.</summary>
    public void ReleaseExecution(long taskAttemptId, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            if (!_executionByTask.TryGetValue(taskAttemptId, out var held))
            {
                return;
            }

            var released = Math.Min(bytes, held);
            _executionByTask[taskAttemptId] = held - released;
            _executionUsed -= released;
        }
    }

    /// <summary>Releases everything a task holds and stops counting it as active (at task end, whatever its outcome).</summary>
    /// <returns>The bytes it still held.</returns>
    public long ReleaseAllExecution(long taskAttemptId)
    {
        lock (_lock)
        {
            if (!_executionByTask.Remove(taskAttemptId, out var held))
            {
                return 0;
            }

            _executionUsed -= held;
            return held;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> for a cached block if that much is free; storage never evicts execution.</summary>
    /// <returns>Whether the memory was reserved; if not, the block store may evict its own blocks and ask again.</returns>
    public bool AcquireStorage(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            if (MaxMemory - _executionUsed - _storageUsed < bytes)
            {
                return false;
            }

            _storageUsed += bytes;
            return true;
        }
    }

    /// <summary>Returns a cached block's memory to the pool.</summary>
    public void ReleaseStorage(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            _storageUsed -= Math.Min(bytes, _storageUsed);
        }
    }

    private long WantedLocked(long taskAttemptId, long bytes)
    {
        // A task counts as active from its first request, so the share shrinks as soon as another task asks.
        _executionByTask.TryAdd(taskAttemptId, 0);
        var share = MaxMemory / _executionByTask.Count;
        return Math.Max(0, Math.Min(bytes, share - _executionByTask[taskAttemptId]));
    }

    private long GrantLocked(long taskAttemptId, long granted)
    {
        granted = Math.Max(0, granted);
        _executionByTask[taskAttemptId] += granted;
        _executionUsed += granted;
        return granted;
    }
}
