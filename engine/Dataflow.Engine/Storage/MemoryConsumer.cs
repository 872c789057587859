using Dataflow.Execution;

namespace Dataflow.Storage;

/// <summary>
/// Base of the structures that hold records in memory and spill them to disk when refused memory: sort buffers,
/// aggregation maps, group buffers. A subclass estimates its size once per batch of records
/// (<see cref="SizeTracker{T}"/>) and calls <see cref="TryReserve"/>; when that fails it spills and calls
/// <see cref="ReleaseMemory"/>. Spilling is driven by this accounting only, never by record counts.
/// </summary>
/// <remarks>Spark: MemoryConsumer, Spillable</remarks>
internal abstract class MemoryConsumer
{
    // Asking for a little ahead keeps the number of requests (each takes the executor-wide lock) small.
    private const long MinimumRequest = 64 * 1024;

    protected MemoryConsumer(TaskContext context)
    {
        Context = context;
    }

    /// <summary>The task the consumer belongs to.</summary>
    protected TaskContext Context { get; }

    /// <summary>Bytes granted to this consumer.</summary>
    public long Used { get; private set; }

    /// <summary>How many times it spilled.</summary>
    public int SpillCount { get; private set; }

    /// <summary>
    /// Makes sure the consumer holds at least <paramref name="estimatedBytes"/>, asking for up to twice that.
    /// </summary>
    /// <returns>False when refused: the caller must spill.</returns>
    protected bool TryReserve(long estimatedBytes)
    {
        if (estimatedBytes <= Used)
        {
            return true;
        }

        var request = Math.Max(2 * estimatedBytes - Used, MinimumRequest);
        Used += Context.Memory.Acquire(this, request);
        return estimatedBytes <= Used;
    }

    /// <summary>
    /// Called by <see cref="TaskMemoryManager"/> when another consumer of the task is refused memory, only while this
    /// one is registered with <see cref="TaskMemoryManager.AddSpillable"/>: spill what can be spilled and release it.
    /// Runs on the task's thread while this consumer's reader is suspended between records.
    /// </summary>
    public virtual void SpillOnRequest()
    {
    }

    /// <summary>Returns everything the consumer holds (after a spill, or when its records are no longer in memory).</summary>
    protected void ReleaseMemory()
    {
        Context.Memory.Release(Used);
        Used = 0;
    }

    /// <summary>Counts a spill of <paramref name="bytes"/> written to disk in the task's metrics.</summary>
    protected void RecordSpill(long bytes)
    {
        SpillCount++;
        Context.Metrics.SpillBytes += bytes;
    }
}
