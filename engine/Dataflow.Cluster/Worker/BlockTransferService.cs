using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;
using Dataflow.Execution;
using Dataflow.Storage;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// Moves an application's cached blocks between workers, beside its <see cref="Storage.BlockManager"/> (created here,
/// so that it fetches through this service): serves the blocks this worker holds to other executors chunk by chunk,
/// and fetches a block another executor holds when a task here needs it.
/// </summary>
/// <remarks>Spark: BlockTransferService</remarks>
internal sealed class BlockTransferService
{
    private const long ServedBlockIdleMs = 60_000;

    private readonly ConcurrentDictionary<RddBlockId, string[]> _cachedElsewhere = new();
    private readonly ConcurrentDictionary<RddBlockId, ServedBlock> _servedBlocks = new();
    private readonly AppTicket _app;
    private readonly string _executorId;
    private readonly string _directory;
    private readonly IGrainFactory _grains;
    private readonly long _fetchToMemoryLimit;
    private long _spooledFetches;

    /// <param name="app">The application, whose ticket requests to other workers carry.</param>
    /// <param name="executorId">This worker's executor.</param>
    /// <param name="directory">The application's directory on this worker (blocks, served and fetched copies go below it).</param>
    /// <param name="memory">The executor's memory, shared by the block manager.</param>
    /// <param name="grains">Reaches the other workers' block services.</param>
    /// <param name="fetchToMemoryLimit">Fetched blocks larger than this go through a local file.</param>
    public BlockTransferService(AppTicket app, string executorId, string directory, MemoryManager memory, IGrainFactory grains, long fetchToMemoryLimit)
    {
        _app = app;
        _executorId = executorId;
        _directory = directory;
        _grains = grains;
        _fetchToMemoryLimit = fetchToMemoryLimit;
        BlockManager = new BlockManager(executorId, Path.Combine(directory, "blocks"), memory) { FetchRemote = FetchCachedBlock };
    }

    /// <summary>The application's block manager on this worker, which fetches the blocks it lacks through this service.</summary>
    public BlockManager BlockManager { get; }

    /// <summary>Remote cached blocks read so far that were too large to hold in memory and went through a local file.</summary>
    public long SpooledFetches => Interlocked.Read(ref _spooledFetches);

    /// <summary>Records that <paramref name="executor"/> holds <paramref name="block"/> (as a stage payload says).</summary>
    public void AddCachedElsewhere(RddBlockId block, string executor) =>
        _cachedElsewhere.AddOrUpdate(block, [executor], (_, known) => known.Contains(executor) ? known : [.. known, executor]);

    /// <summary>
    /// A chunk of a cached block this worker holds: read from its file when on disk, or from its bytes when kept
    /// serialised. A block held as objects is serialised once into a file of its own that the following chunks are
    /// read from (deleted after the last chunk, on unpersist, or after a minute without a read), so serving it holds no
    /// copy in memory. An empty chunk of length 0 when the block is not (any more) here.
    /// </summary>
    public DataChunk ReadCachedBlock(RddBlockId block, long offset, int count)
    {
        var now = System.Environment.TickCount64;
        foreach (var (idle, _) in _servedBlocks.Where(s => now - s.Value.LastRead > ServedBlockIdleMs))
        {
            DropServed(idle);
        }

        if (offset > 0 && _servedBlocks.TryGetValue(block, out var served))
        {
            return ServeFromFile(block, served, offset, count);
        }

        using var stream = BlockManager.OpenSerialized(block);
        if (stream is null)
        {
            return new DataChunk([], 0);
        }

        if (stream is MemoryStream { CanWrite: true } fresh && fresh.Length > Math.Min(count, ClusterLimits.ChunkBytes))
        {
            var directory = Path.Combine(_directory, "served");
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, $"{block}-{Guid.NewGuid():N}");
            using (var file = File.Create(path))
            {
                fresh.CopyTo(file);
            }

            served = new ServedBlock(path, fresh.Length);
            _servedBlocks.AddOrUpdate(block, served, (_, replaced) =>
            {
                File.Delete(replaced.Path);
                return served;
            });
            return ServeFromFile(block, served, offset, count);
        }

        return ReadChunk(stream, offset, count);
    }

    /// <summary>Drops the serialised copies of a persisted RDD's blocks being served.</summary>
    public void DropServed(int rddId)
    {
        foreach (var block in _servedBlocks.Keys.Where(b => b.RddId == rddId))
        {
            DropServed(block);
        }
    }

    private DataChunk ServeFromFile(RddBlockId block, ServedBlock served, long offset, int count)
    {
        DataChunk chunk;
        try
        {
            using var file = new FileStream(served.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1);
            chunk = ReadChunk(file, offset, count);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new DataChunk([], 0); // dropped meanwhile: the reader tries elsewhere
        }

        if (offset + chunk.Bytes.Length >= served.Length)
        {
            DropServed(block);
        }
        else
        {
            served.LastRead = System.Environment.TickCount64;
        }

        return chunk;
    }

    private static DataChunk ReadChunk(Stream stream, long offset, int count)
    {
        var bytes = new byte[(int)Math.Clamp(stream.Length - offset, 0, Math.Min(count, ClusterLimits.ChunkBytes))];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return new DataChunk(bytes, stream.Length);
    }

    private void DropServed(RddBlockId block)
    {
        if (_servedBlocks.TryRemove(block, out var served))
        {
            File.Delete(served.Path);
        }
    }

    /// <summary>
    /// Reads a cached block from an executor that holds it, in memory or, when larger than the application's
    /// <c>FetchToMemoryLimit</c>, into a local file deleted when closed; <c>null</c> (the task computes it) when none can.
    /// </summary>
    private Stream? FetchCachedBlock(RddBlockId block)
    {
        if (!_cachedElsewhere.TryGetValue(block, out var executors))
        {
            return null;
        }

        foreach (var executor in executors.Where(e => e != _executorId))
        {
            try
            {
                var holder = _grains.GetGrain<IBlockServiceGrain>(executor);
                var stream = Chunks.ReadAllAsync((offset, count) => holder.ReadCachedBlock(_app, block.RddId, block.Partition, offset, count), OpenFetchTarget)
                    .GetAwaiter().GetResult();
                if (stream.Length > 0)
                {
                    if (TaskContext.Current is { } task)
                    {
                        task.Metrics.BytesRead += stream.Length;
                    }

                    return stream;
                }

                stream.Dispose();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Gone or evicted there: try the next holder, else compute.
            }
        }

        return null;
    }

    private Stream OpenFetchTarget(long length)
    {
        if (length <= _fetchToMemoryLimit)
        {
            return new MemoryStream(checked((int)length));
        }

        Interlocked.Increment(ref _spooledFetches);
        var directory = Path.Combine(_directory, "fetched");
        Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            64 * 1024, FileOptions.DeleteOnClose);
    }

    /// <summary>A block held as objects, serialised into a file for readers fetching it chunk by chunk.</summary>
    private sealed class ServedBlock(string path, long length)
    {
        public string Path { get; } = path;

        public long Length { get; } = length;

        public long LastRead { get; set; } = System.Environment.TickCount64;
    }
}
