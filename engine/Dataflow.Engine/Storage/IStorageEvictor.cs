namespace Dataflow.Storage;

/// <summary>
/// What <see cref="MemoryManager"/> calls when execution needs memory that cached blocks hold: the block store drops
/// (or moves to disk) cached blocks until at least the requested number of bytes of storage memory is free. Execution
/// may evict storage, never the reverse, because cached blocks can be recomputed and a running sort cannot.
/// </summary>
internal interface IStorageEvictor
{
    /// <summary>
    /// Evicts cached blocks until <paramref name="bytes"/> of storage memory have been released (each through
    /// <see cref="MemoryManager.ReleaseStorage"/>), or nothing more can be evicted.
    /// </summary>
    /// <returns>The bytes released.</returns>
    /// <remarks>Called without the memory manager's lock held, so it may call back into the manager.</remarks>
    long EvictBlocksToFreeSpace(long bytes);
}
