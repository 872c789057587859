using System.Buffers.Binary;

namespace Dataflow.Shuffle;

/// <summary>
/// Shuffle storage in local files: per map task one data file (blocks of all reduce partitions, in partition order)
/// and one index file of <c>numPartitions + 1</c> offsets. Both are written under temporary names and renamed; the
/// index is renamed last, so its presence marks a committed output.
/// </summary>
internal sealed class LocalShuffleManager : IShuffleManager
{
    private readonly string _directory;
    private readonly Lock _commitLock = new();

    private readonly int _bufferSize;

    public LocalShuffleManager(string executorId, string directory, int bufferSize)
    {
        _bufferSize = bufferSize;
        ExecutorId = executorId;
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public string ExecutorId { get; }

    public IMapOutputWriter CreateMapOutput(int shuffleId, int mapId, long taskAttemptId, int numPartitions) =>
        new Writer(this, shuffleId, mapId, taskAttemptId, numPartitions);

    public Stream OpenBlock(ShuffleBlockId block, MapStatus status)
    {
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
            File.Delete(IndexPath(shuffleId, mapId));
            File.Delete(DataPath(shuffleId, mapId));
        }
    }

    public void RemoveShuffle(int shuffleId)
    {
        if (!Directory.Exists(_directory))
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
        private readonly FileStream _data;
        private int _nextPartition;
        private bool _committed;

        public Writer(LocalShuffleManager owner, int shuffleId, int mapId, long attemptId, int numPartitions)
        {
            _owner = owner;
            _shuffleId = shuffleId;
            _mapId = mapId;
            _offsets = new long[numPartitions + 1];
            var dataPath = owner.DataPath(shuffleId, mapId);
            _tempData = $"{dataPath}.{attemptId}.tmp";
            _tempIndex = $"{owner.IndexPath(shuffleId, mapId)}.{attemptId}.tmp";
            _data = new FileStream(_tempData, FileMode.Create, FileAccess.Write, FileShare.None, owner._bufferSize);
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

            _data.Flush(flushToDisk: false);
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
            if (!_committed)
            {
                DeleteTemps();
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
}
