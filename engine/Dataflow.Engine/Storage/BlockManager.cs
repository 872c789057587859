using Dataflow.Execution;
using Dataflow.Serialization.Records;

namespace Dataflow.Storage;

/// <summary>
/// An executor's store of persisted RDD partitions: a memory store (objects, least-recently-used eviction) and a
/// disk store (serialised record frames, one file per block). Memory comes from the executor's unified
/// <see cref="MemoryManager"/>: cached blocks use what execution leaves free, and execution may evict them
/// (<see cref="IStorageEvictor"/>), never the reverse. The first task that needs a block computes and stores it;
/// tasks that need it meanwhile wait and then read it, so a block is computed once.
/// </summary>
/// <remarks>Spark: BlockManager</remarks>
internal sealed partial class BlockManager : IStorageEvictor, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<RddBlockId, LinkedListNode<MemoryEntry>> _memory = [];
    private readonly LinkedList<MemoryEntry> _lru = new();
    private readonly Dictionary<RddBlockId, long> _disk = [];
    private readonly Dictionary<RddBlockId, Lock> _computeLocks = [];
    private readonly string _directory;
    private readonly MemoryManager _memoryManager;
    private long _memoryUsed;

    public BlockManager(string executorId, string directory, MemoryManager memoryManager)
    {
        ExecutorId = executorId;
        _directory = directory;
        _memoryManager = memoryManager;
        memoryManager.StorageEvictor = this;
    }

    public string ExecutorId { get; }

    /// <summary>The most memory cached blocks could ever use: the executor's whole budget.</summary>
    public long MemoryBudget => _memoryManager.MaxMemory;

    public long MemoryUsed
    {
        get
        {
            lock (_lock)
            {
                return _memoryUsed;
            }
        }
    }

    /// <summary>The records of a block: stored ones if present, else computed by <paramref name="compute"/> and stored at <paramref name="level"/>.</summary>
    public IEnumerable<T> GetOrCompute<T>(RddBlockId id, StorageLevel level, Func<IEnumerable<T>> compute, TaskContext context)
    {
        if (TryGet<T>(id) is { } stored)
        {
            return stored;
        }

        var blockLock = ComputeLock(id);
        lock (blockLock)
        {
            if (TryGet<T>(id) is { } storedMeanwhile)
            {
                return storedMeanwhile;
            }

            if (FetchRemote?.Invoke(id) is { } remote)
            {
                // Another executor holds the block: read it rather than compute the partition again.
                context.AddTaskCompletionListener(_ => remote.Dispose());
                return ReadRemote<T>(id, remote);
            }

            if (!level.UseMemory)
            {
                // Disk only: records stream from the computation to the file, never all in memory.
                WriteToDisk(id, InterruptibleEnumerable.Wrap(compute(), context.CancellationToken));
                context.RecordStoredBlock(id);
                return ReadFromDisk<T>(id);
            }

            return level.Serialized ? UnrollSerialized(id, level, compute, context) : Unroll(id, level, compute, context);
        }
    }

    /// <summary>
    /// A cluster worker's way to a block that another executor holds (its serialised form, as
    /// <see cref="OpenSerialized"/> gives it there, in memory or spooled to a local file), or <c>null</c> to compute
    /// it; unset in local mode. The block manager disposes the stream.
    /// </summary>
    public Func<RddBlockId, Stream?>? FetchRemote { get; init; }

    /// <summary>
    /// A stored block in its serialised form (record batches, as on disk), for another executor: serialised afresh
    /// when it is held in memory, its file when on disk; <c>null</c> when not stored.
    /// </summary>
    public Stream? OpenSerialized(RddBlockId id)
    {
        MemoryEntry? entry;
        lock (_lock)
        {
            entry = _memory.TryGetValue(id, out var node) ? node.Value : null;
            if (entry is null && !_disk.ContainsKey(id))
            {
                return null;
            }
        }

        if (entry is null)
        {
            try
            {
                return new FileStream(DiskPath(id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null; // removed meanwhile
            }
        }

        if (entry.Records is byte[] bytes)
        {
            return new MemoryStream(bytes, writable: false);
        }

        var buffer = new MemoryStream();
        entry.WriteTo(buffer);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Whether the block is stored (in memory or on disk).</summary>
    public bool Contains(RddBlockId id)
    {
        lock (_lock)
        {
            return _memory.ContainsKey(id) || _disk.ContainsKey(id);
        }
    }

    /// <summary>The stored partitions of an RDD.</summary>
    public IReadOnlyList<int> StoredPartitions(int rddId)
    {
        lock (_lock)
        {
            return [.. _memory.Keys.Concat(_disk.Keys).Where(b => b.RddId == rddId).Select(b => b.Partition).Distinct().Order()];
        }
    }

    /// <summary>Drops every block of an RDD, from memory and disk.</summary>
    public void RemoveRdd(int rddId)
    {
        lock (_lock)
        {
            foreach (var id in _memory.Keys.Where(b => b.RddId == rddId).ToList())
            {
                RemoveFromMemory(id);
            }

            foreach (var id in _disk.Keys.Where(b => b.RddId == rddId).ToList())
            {
                _disk.Remove(id);
                File.Delete(DiskPath(id));
            }

            foreach (var id in _computeLocks.Keys.Where(b => b.RddId == rddId).ToList())
            {
                _computeLocks.Remove(id);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _memoryManager.ReleaseStorage(_memoryUsed);
            _memory.Clear();
            _lru.Clear();
            _disk.Clear();
            _memoryUsed = 0;
        }
    }

    private IEnumerable<T>? TryGet<T>(RddBlockId id)
    {
        lock (_lock)
        {
            if (_memory.TryGetValue(id, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Records is byte[] bytes ? ReadSerialized<T>(id, bytes) : (List<T>)node.Value.Records;
            }

            if (!_disk.ContainsKey(id))
            {
                return null;
            }
        }

        return ReadFromDisk<T>(id);
    }

    /// <summary>Stores an unrolled block whose <paramref name="size"/> is already reserved.</summary>
    private void StoreInMemory<T>(RddBlockId id, StorageLevel level, List<T> records, long size) =>
        StoreInMemory(new MemoryEntry(id, level, records, size, stream => WriteRecords(stream, records)));

    private void StoreInMemory(MemoryEntry entry)
    {
        var (id, size) = (entry.Id, entry.Size);
        lock (_lock)
        {
            _memory[id] = _lru.AddFirst(entry);
            _memoryUsed += size;
        }
    }

    /// <summary>Execution needs memory: drop least-recently-used blocks (to disk where their level allows).</summary>
    public long EvictBlocksToFreeSpace(long bytes)
    {
        var evicted = new List<MemoryEntry>();
        long freed = 0;
        lock (_lock)
        {
            while (freed < bytes && _lru.Last is { } last)
            {
                freed += last.Value.Size;
                evicted.Add(last.Value);
                RemoveFromMemory(last.Value.Id);
            }
        }

        SpillEvicted(evicted);
        return freed;
    }

    private void SpillEvicted(List<MemoryEntry> evicted)
    {
        foreach (var entry in evicted)
        {
            bool onDisk;
            lock (_lock)
            {
                onDisk = _disk.ContainsKey(entry.Id);
            }

            if (entry.Level.UseDisk && !onDisk)
            {
                try
                {
                    WriteToDisk(entry.Id, entry.WriteTo);
                }
                catch (IOException)
                {
                    // Disk full or gone: the evicted block is dropped like a memory-only one and recomputed from its
                    // lineage when needed; the task that asked for the memory is not the one to fail.
                }
            }
        }
    }

    private void RemoveFromMemory(RddBlockId id)
    {
        if (_memory.Remove(id, out var node))
        {
            _lru.Remove(node);
            _memoryUsed -= node.Value.Size;
            _memoryManager.ReleaseStorage(node.Value.Size);
        }
    }

    private void WriteToDisk<T>(RddBlockId id, IEnumerable<T> records) => WriteToDisk(id, stream => WriteRecords(stream, records));

    private void WriteToDisk(RddBlockId id, Action<Stream> write)
    {
        Directory.CreateDirectory(_directory);
        var path = DiskPath(id);
        // Unique per writer: an evicted block being spilled and the same block recomputed to disk may overlap.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024);
            write(stream);
        }
        catch
        {
            // The computation failed or was cancelled part-way: leave no partial block behind.
            File.Delete(temp);
            throw;
        }

        File.Move(temp, path, overwrite: true);
        lock (_lock)
        {
            _disk[id] = new FileInfo(path).Length;
        }
    }

    private static void WriteRecords<T>(Stream stream, IEnumerable<T> records)
    {
        var writer = new RecordBatchWriter<T>(stream);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        writer.Flush();
    }

    private static IEnumerable<T> ReadSerialized<T>(RddBlockId id, byte[] bytes) =>
        RecordBatchReader.Read<T>(new MemoryStream(bytes, writable: false), bytes.Length, id.ToString());

    private static IEnumerable<T> ReadRemote<T>(RddBlockId id, Stream remote)
    {
        using (remote)
        {
            foreach (var record in RecordBatchReader.Read<T>(remote, remote.Length, id.ToString()))
            {
                yield return record;
            }
        }
    }

    /// <summary>Streams a block from disk (it may be larger than memory; that is why it is on disk).</summary>
    private IEnumerable<T> ReadFromDisk<T>(RddBlockId id)
    {
        using var stream = new FileStream(DiskPath(id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 256 * 1024);
        foreach (var record in RecordBatchReader.Read<T>(stream, stream.Length, id.ToString()))
        {
            yield return record;
        }
    }

    private Lock ComputeLock(RddBlockId id)
    {
        lock (_lock)
        {
            if (!_computeLocks.TryGetValue(id, out var blockLock))
            {
                blockLock = new Lock();
                _computeLocks.Add(id, blockLock);
            }

            return blockLock;
        }
    }

    private string DiskPath(RddBlockId id) => Path.Combine(_directory, id.ToString());

    /// <summary>A block in memory: its records (a <c>List&lt;T&gt;</c>, or the serialised frames of a serialised level), and how to write them as frames.</summary>
    private sealed record MemoryEntry(RddBlockId Id, StorageLevel Level, object Records, long Size, Action<Stream> WriteTo);
}
