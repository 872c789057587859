using System.Buffers.Binary;

namespace Dataflow.Shuffle;

/// <summary>
/// Shuffle storage in local files: per map task one data file (blocks of all reduce partitions, in partition order)
/// and one index file of <c>numPartitions + 1</c> offsets. Both are written under temporary names and renamed; the
/// index is renamed last, so its presence marks a committed output.
/// </summary>
/// <remarks>
/// A small map output (at most <c>Dataflow:Shuffle:InMemoryOutputThreshold</c>) is kept in the executor's memory
/// instead, as the same bytes the files would hold, while the executor's in-memory outputs stay within
/// <c>Dataflow:Shuffle:InMemoryOutputLimit</c>; past either, it goes to files as above. Tiny shuffles (a tree
/// aggregation's partial results, one iteration after another) then cost no file created, renamed or deleted: on a
/// busy ext4 disk those take longer than the tasks themselves. Readers, local or remote, see no difference.
/// </remarks>
internal sealed class LocalShuffleManager : IShuffleManager
{
    private readonly string _directory;
    private readonly Lock _commitLock = new();

    private readonly int _bufferSize;
    private readonly long _inMemoryThreshold;
    private readonly long _inMemoryLimit;

    // Committed outputs held in memory, and the shuffles that have files; both under _commitLock.
    private readonly Dictionary<(int ShuffleId, int MapId), InMemoryOutput> _inMemory = [];
    private readonly HashSet<int> _shufflesOnDisk = [];
    private long _inMemoryBytes;

    /// <param name="executorId">The executor whose blocks these are.</param>
    /// <param name="directory">The directory of the files (created now).</param>
    /// <param name="bufferSize">The buffer of each file writer and reader.</param>
    /// <param name="inMemoryThreshold">Map outputs up to this many bytes are kept in memory; 0: always files.</param>
    /// <param name="inMemoryLimit">The most bytes of map outputs kept in memory at once; past it, outputs go to files.</param>
    public LocalShuffleManager(string executorId, string directory, int bufferSize, long inMemoryThreshold = 0, long inMemoryLimit = 0)
    {
        _bufferSize = bufferSize;
        _inMemoryThreshold = inMemoryLimit > 0 ? Math.Min(inMemoryThreshold, inMemoryLimit) : 0;
        _inMemoryLimit = inMemoryLimit;
        ExecutorId = executorId;
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Bytes of committed map outputs held in memory now (for tests and diagnostics).</summary>
    public long InMemoryBytes
    {
        get
        {
            lock (_commitLock)
            {
                return _inMemoryBytes;
            }
        }
    }

    public string ExecutorId { get; }

    public IMapOutputWriter CreateMapOutput(int shuffleId, int mapId, long taskAttemptId, int numPartitions) =>
        new Writer(this, shuffleId, mapId, taskAttemptId, numPartitions);

    public Stream OpenBlock(ShuffleBlockId block, MapStatus status)
    {
        InMemoryOutput? held;
        lock (_commitLock)
        {
            held = _inMemory.GetValueOrDefault((block.ShuffleId, block.MapId));
        }

        if (held is not null)
        {
            if (block.ReduceId < 0 || block.ReduceId + 1 >= held.Offsets.Length)
            {
                throw new FetchFailedException(block, ExecutorId, $"map output {block.ShuffleId}/{block.MapId} has {held.Offsets.Length - 1} partitions, not {block.ReduceId + 1}");
            }

            var from = held.Offsets[block.ReduceId];
            return new MemoryStream(held.Data, (int)from, (int)(held.Offsets[block.ReduceId + 1] - from), writable: false);
        }

        var indexPath = IndexPath(block.ShuffleId, block.MapId);
        long start;
        long end;
        try
        {
            var offsets = ReadIndex(indexPath);
            start = offsets[block.ReduceId];
            end = offsets[block.ReduceId + 1];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            throw new FetchFailedException(block, ExecutorId, $"cannot read index {indexPath}: {e.Message}", e);
        }

        try
        {
            var data = new FileStream(DataPath(block.ShuffleId, block.MapId), FileMode.Open, FileAccess.Read, FileShare.Read, _bufferSize);
            return new StreamSlice(data, start, end - start);
        }
        catch (IOException e)
        {
            throw new FetchFailedException(block, ExecutorId, e.Message, e);
        }
    }

    public void RemoveMapOutput(int shuffleId, int mapId)
    {
        lock (_commitLock)
        {
            if (_inMemory.Remove((shuffleId, mapId), out var held))
            {
                _inMemoryBytes -= held.Data.Length;
            }

            File.Delete(IndexPath(shuffleId, mapId));
            File.Delete(DataPath(shuffleId, mapId));
        }
    }

    public void RemoveShuffle(int shuffleId)
    {
        bool onDisk;
        lock (_commitLock)
        {
            foreach (var key in _inMemory.Keys.Where(k => k.ShuffleId == shuffleId).ToList())
            {
                _inMemoryBytes -= _inMemory[key].Data.Length;
                _inMemory.Remove(key);
            }

            // A shuffle all of whose outputs stayed in memory has no file to look for (nor a failed attempt's temp:
            // temps are only created once an output overflows to disk, which marks its shuffle).
            onDisk = _shufflesOnDisk.Remove(shuffleId);
        }

        if (!onDisk || !Directory.Exists(_directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(_directory, $"shuffle_{shuffleId}_*"))
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        lock (_commitLock)
        {
            _inMemory.Clear();
            _inMemoryBytes = 0;
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string DataPath(int shuffleId, int mapId) => Path.Combine(_directory, $"shuffle_{shuffleId}_{mapId}.data");

    private string IndexPath(int shuffleId, int mapId) => Path.Combine(_directory, $"shuffle_{shuffleId}_{mapId}.index");

    private static long[] ReadIndex(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offsets = new long[bytes.Length / 8];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8));
        }

        return offsets;
    }

    private sealed class Writer : IMapOutputWriter
    {
        private readonly LocalShuffleManager _owner;
        private readonly int _shuffleId;
        private readonly int _mapId;
        private readonly long[] _offsets;
        private readonly string _tempData;
        private readonly string _tempIndex;
        private readonly OverflowStream _data;
        private int _nextPartition;
        private bool _committed;
        private bool _tempCreated;

        public Writer(LocalShuffleManager owner, int shuffleId, int mapId, long attemptId, int numPartitions)
        {
            _owner = owner;
            _shuffleId = shuffleId;
            _mapId = mapId;
            _offsets = new long[numPartitions + 1];
            var dataPath = owner.DataPath(shuffleId, mapId);
            _tempData = $"{dataPath}.{attemptId}.tmp";
            _tempIndex = $"{owner.IndexPath(shuffleId, mapId)}.{attemptId}.tmp";
            _data = new OverflowStream(owner._inMemoryThreshold, OpenTempData);
        }

        public Stream Stream => _data;

        public void EndPartition(int partition)
        {
            if (partition != _nextPartition)
            {
                throw new InvalidOperationException($"Partitions must be ended in order: expected {_nextPartition}, got {partition}.");
            }

            _offsets[++_nextPartition] = _data.Position;
        }

        public MapStatus Commit()
        {
            if (_nextPartition != _offsets.Length - 1)
            {
                throw new InvalidOperationException($"Map output {_shuffleId}/{_mapId} committed after {_nextPartition} of {_offsets.Length - 1} partitions.");
            }

            if (_data.InMemory && TryCommitInMemory(_data.ToArray(), out var status))
            {
                return status;
            }

            if (_data.InMemory)
            {
                // Over the executor's in-memory limit: this output goes to files after all.
                using var file = OpenTempData();
                file.Write(_data.ToArray());
            }

            _data.Flush();
            _data.Dispose();
            var index = new byte[_offsets.Length * 8];
            for (var i = 0; i < _offsets.Length; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(i * 8), _offsets[i]);
            }

            File.WriteAllBytes(_tempIndex, index);
            var indexPath = _owner.IndexPath(_shuffleId, _mapId);
            lock (_owner._commitLock)
            {
                if (_owner._inMemory.TryGetValue((_shuffleId, _mapId), out var held))
                {
                    DeleteTemps();
                    _committed = true;
                    return new MapStatus(_shuffleId, _mapId, _owner.ExecutorId, Sizes(held.Offsets));
                }

                if (File.Exists(indexPath))
                {
                    // Another attempt committed first; its output stands and this one is dropped.
                    var existing = ReadIndex(indexPath);
                    DeleteTemps();
                    _committed = true;
                    return new MapStatus(_shuffleId, _mapId, _owner.ExecutorId, Sizes(existing));
                }

                File.Move(_tempData, _owner.DataPath(_shuffleId, _mapId), overwrite: true);
                File.Move(_tempIndex, indexPath);
            }

            _committed = true;
            return new MapStatus(_shuffleId, _mapId, _owner.ExecutorId, Sizes(_offsets));
        }

        public void Dispose()
        {
            _data.Dispose();
            if (!_committed && _tempCreated)
            {
                DeleteTemps();
            }
        }

        /// <summary>Creates the attempt's temporary data file; from then on its shuffle has files to delete.</summary>
        private FileStream OpenTempData()
        {
            lock (_owner._commitLock)
            {
                _owner._shufflesOnDisk.Add(_shuffleId);
            }

            _tempCreated = true;
            return new FileStream(_tempData, FileMode.Create, FileAccess.Write, FileShare.None, _owner._bufferSize);
        }

        /// <summary>Keeps the committed output in memory, unless the executor holds its limit already; the first attempt wins.</summary>
        private bool TryCommitInMemory(byte[] data, out MapStatus status)
        {
            lock (_owner._commitLock)
            {
                if (_owner._inMemory.TryGetValue((_shuffleId, _mapId), out var held))
                {
                    // Another attempt committed first; its output stands and this one is dropped.
                    _committed = true;
                    status = new MapStatus(_shuffleId, _mapId, _owner.ExecutorId, Sizes(held.Offsets));
                    return true;
                }

                if (_owner._inMemoryBytes + data.Length > _owner._inMemoryLimit ||
                    (_owner._shufflesOnDisk.Contains(_shuffleId) && File.Exists(_owner.IndexPath(_shuffleId, _mapId))))
                {
                    // Over the limit, or an earlier attempt's output is on disk (whose commit then wins below).
                    status = null!;
                    return false;
                }

                _owner._inMemory.Add((_shuffleId, _mapId), new InMemoryOutput(data, (long[])_offsets.Clone()));
                _owner._inMemoryBytes += data.Length;
                _committed = true;
                status = new MapStatus(_shuffleId, _mapId, _owner.ExecutorId, Sizes(_offsets));
                return true;
            }
        }

        private void DeleteTemps()
        {
            File.Delete(_tempData);
            File.Delete(_tempIndex);
        }

        private static long[] Sizes(long[] offsets)
        {
            var sizes = new long[offsets.Length - 1];
            for (var i = 0; i < sizes.Length; i++)
            {
                sizes[i] = offsets[i + 1] - offsets[i];
            }

            return sizes;
        }
    }

    /// <summary>A committed map output kept in memory: the data file's bytes and the index's offsets.</summary>
    private sealed record InMemoryOutput(byte[] Data, long[] Offsets);
}
