namespace Dataflow.Storage;

/// <summary>
/// One task attempt's view of the executor's <see cref="MemoryManager"/>: the memory its spillable structures
/// (<see cref="MemoryConsumer"/>s) hold, and the peak, reported as <c>TaskMetrics.PeakExecutionMemory</c>. Used by
/// the task's own thread only; everything still held is released at task end, whatever the outcome.
/// </summary>
/// <remarks>Spark: TaskMemoryManager</remarks>
internal sealed class TaskMemoryManager
{
    private readonly MemoryManager _pool;
    private readonly long _taskAttemptId;
    private readonly List<MemoryConsumer> _spillable = [];

    public TaskMemoryManager(MemoryManager pool, long taskAttemptId)
    {
        _pool = pool;
        _taskAttemptId = taskAttemptId;
    }

    /// <summary>Bytes the task's consumers hold now.</summary>
    public long Used { get; private set; }

    /// <summary>The most the task's consumers held at once.</summary>
    public long Peak { get; private set; }

    /// <summary>
    /// Asks the pool for <paramref name="bytes"/> on behalf of <paramref name="consumer"/>. When the pool refuses,
    /// the task's other consumers that can spill on request (sorted records being read from memory by a later
    /// operator of the same task) spill first, largest first; whatever is still refused, the requesting consumer
    /// spills itself. Nothing ever waits, so one task cannot block another.
    /// </summary>
    /// <returns>The bytes granted, from 0 to <paramref name="bytes"/>.</returns>
    public long Acquire(MemoryConsumer consumer, long bytes)
    {
        if (_pool.ConsumerSpillThreshold is { } cap)
        {
            bytes = Math.Min(bytes, Math.Max(0, cap - consumer.Used));
        }

        var granted = _pool.AcquireExecution(_taskAttemptId, bytes);
        if (granted < bytes && _spillable.Count > 0)
        {
            // Largest first: one spill usually frees enough. Copied, because a spilling consumer unregisters itself.
            foreach (var other in _spillable.Where(c => c != consumer && c.Used > 0).OrderByDescending(c => c.Used).ToList())
            {
                other.SpillOnRequest();
                granted += _pool.AcquireExecution(_taskAttemptId, bytes - granted);
                if (granted >= bytes)
                {
                    break;
                }
            }
        }

        Used += granted;
        Peak = Math.Max(Peak, Used);
        return granted;
    }

    /// <summary>Lets <paramref name="consumer"/> be asked to spill when another consumer of the task is refused memory.</summary>
    public void AddSpillable(MemoryConsumer consumer)
    {
        if (!_spillable.Contains(consumer))
        {
            _spillable.Add(consumer);
        }
    }

    public void RemoveSpillable(MemoryConsumer consumer) => _spillable.Remove(consumer);

    /// <summary>Returns <paramref name="bytes"/> to the pool.</summary>
    public void Release(long bytes)
    {
        var released = Math.Min(bytes, Used);
        _pool.ReleaseExecution(_taskAttemptId, released);
        Used -= released;
    }

    /// <summary>Releases everything the task still holds (at task end).</summary>
    public void ReleaseAll()
    {
        _pool.ReleaseAllExecution(_taskAttemptId);
        _spillable.Clear();
        Used = 0;
    }
}
