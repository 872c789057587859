using Dataflow.Execution;
using Dataflow.Serialization;

namespace Dataflow.Storage;

/// <summary>
/// An executor's store of persisted RDD partitions: a memory store (objects, least-recently-used eviction within
/// the storage budget) and a disk store (serialised record frames, one file per block). The first task that needs
/// a block computes and stores it; tasks that need it meanwhile wait and then read it, so a block is computed once.
/// </summary>
/// <remarks>Spark: BlockManager</remarks>
internal sealed class BlockManager : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<RddBlockId, LinkedListNode<MemoryEntry>> _memory = [];
    private readonly LinkedList<MemoryEntry> _lru = new();
    private readonly Dictionary<RddBlockId, long> _disk = [];
    private readonly Dictionary<RddBlockId, Lock> _computeLocks = [];
    private readonly string _directory;
    private long _memoryUsed;

    public BlockManager(string executorId, string directory, long memoryBudget)
    {
        ExecutorId = executorId;
        _directory = directory;
        MemoryBudget = memoryBudget;
    }

    public string ExecutorId { get; }

    public long MemoryBudget { get; }

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

            var records = new List<T>();
            foreach (var record in compute())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                records.Add(record);
            }

            Put(id, level, records);
            return records;
        }
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
                return (List<T>)node.Value.Records;
            }

            if (!_disk.ContainsKey(id))
            {
                return null;
            }
        }

        return ReadFromDisk<T>(id);
    }

    private void Put<T>(RddBlockId id, StorageLevel level, List<T> records)
    {
        var size = SizeEstimator.Estimate(records);
        var toDisk = new List<(RddBlockId Id, object Records, Action<object> Write)>();
        lock (_lock)
        {
            if (level.UseMemory && size <= MemoryBudget)
            {
                // Evict least-recently-used blocks of other RDDs until the new one fits.
                var node = _lru.Last;
                while (_memoryUsed + size > MemoryBudget && node is not null)
                {
                    var previous = node.Previous;
                    if (node.Value.Id.RddId != id.RddId)
                    {
                        if (node.Value.Level.UseDisk && !_disk.ContainsKey(node.Value.Id))
                        {
                            toDisk.Add((node.Value.Id, node.Value.Records, node.Value.WriteToDisk));
                        }

                        RemoveFromMemory(node.Value.Id);
                    }

                    node = previous;
                }

                if (_memoryUsed + size <= MemoryBudget)
                {
                    var entry = new MemoryEntry(id, level, records, size, r => WriteToDisk(id, (List<T>)r));
                    _memory[id] = _lru.AddFirst(entry);
                    _memoryUsed += size;
                    size = -1;
                }
            }
        }

        foreach (var (evicted, evictedRecords, write) in toDisk)
        {
            write(evictedRecords);
        }

        if (size >= 0 && level.UseDisk)
        {
            WriteToDisk(id, records);
        }
    }

    private void RemoveFromMemory(RddBlockId id)
    {
        if (_memory.Remove(id, out var node))
        {
            _lru.Remove(node);
            _memoryUsed -= node.Value.Size;
        }
    }

    private void WriteToDisk<T>(RddBlockId id, List<T> records)
    {
        Directory.CreateDirectory(_directory);
        var path = DiskPath(id);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024))
        {
            var writer = new RecordBatchWriter<T>(stream);
            foreach (var record in records)
            {
                writer.Write(record);
            }

            writer.Flush();
        }

        File.Move(temp, path, overwrite: true);
        lock (_lock)
        {
            _disk[id] = new FileInfo(path).Length;
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

    private sealed record MemoryEntry(RddBlockId Id, StorageLevel Level, object Records, long Size, Action<object> WriteToDisk);
}
