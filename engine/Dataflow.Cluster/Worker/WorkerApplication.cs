using System.Collections.Concurrent;
using System.Reflection;
using Dataflow.Cluster.Grains;
using Dataflow.Execution;
using Dataflow.Serialization;
using Dataflow.Shuffle;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// One driver application on a worker: its load context and type policy, its executor environment (shuffle files,
/// cached blocks, broadcast copies, the map outputs it was told about), the stage binaries it was sent, and results
/// too large to return inline.
/// </summary>
internal sealed class WorkerApplication : IDisposable
{
    private readonly ConcurrentDictionary<long, Lazy<StageTask>> _stages = new();
    private readonly ConcurrentDictionary<long, byte[]> _storedResults = new();
    private readonly ConcurrentDictionary<RddBlockId, string[]> _cachedElsewhere = new();
    private const long ServedBlockIdleMs = 60_000;

    private readonly ConcurrentDictionary<RddBlockId, ServedBlock> _servedBlocks = new();
    private readonly IGrainFactory _grains;
    private readonly BlobStore _blobs;
    private readonly string _directory;
    private readonly IDriverEndpoint _driver;
    private readonly long _fetchToMemoryLimit;
    private long _spooledFetches;

    public WorkerApplication(ApplicationSpec spec, WorkerExecutor executor, IGrainFactory grains, ILogger logger)
    {
        AppId = spec.AppId;
        _grains = grains;
        _blobs = executor.Blobs;
        _driver = spec.Driver;
        _fetchToMemoryLimit = spec.FetchToMemoryLimit;
        _directory = Path.Combine(executor.Directory, "apps", spec.AppId);
        var bytes = spec.Assemblies.ToDictionary(a => a.Name, a => executor.Blobs.Get(WorkerExecutor.AssemblyKey(a.Hash)), StringComparer.Ordinal);
        LoadContext = new JobLoadContext(spec.AppId, bytes);
        var loaded = new List<Assembly>();
        foreach (var name in bytes.Keys)
        {
            try
            {
                loaded.Add(LoadContext.LoadFromAssemblyName(new AssemblyName(name)));
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                logger.LogWarning("Application {AppId}: assembly {Assembly} could not be loaded ({Message}); types from it will be refused.", AppId, name, e.Message);
            }
        }

        Policy = new TypeResolutionPolicy(loaded, LoadContext, logger);
        BroadcastPieces = new BroadcastPieces(Path.Combine(_directory, "broadcast"), executor.ExecutorId, AppId, _driver, grains);
        RegisterSerializers(spec.SerializerRegistrations);
        var local = new LocalShuffleManager(executor.ExecutorId, Path.Combine(_directory, "shuffle"), spec.FileBufferSize);
        Environment = new ExecutionEnvironment(
            executor.ExecutorId,
            new RemoteShuffleManager(local, AppId, grains, executor.ReadAhead),
            new MapOutputTracker(),
            new BlockManager(executor.ExecutorId, Path.Combine(_directory, "blocks"), executor.Memory) { FetchRemote = FetchCachedBlock })
        {
            Memory = executor.Memory,
            SpillDirectory = Path.Combine(_directory, "spill"),
            Compress = spec.Compress,
            FetchBroadcast = FetchBroadcast,
        };
    }

    public string AppId { get; }

    /// <summary>When the driver last answered (or the application was set up).</summary>
    public DateTime DriverLastSeen { get; private set; } = DateTime.UtcNow;

    /// <summary>Asks the driver whether it still lives; records when it last answered.</summary>
    public async Task CheckDriverAsync(TimeSpan timeout)
    {
        try
        {
            await _driver.Ping().WaitAsync(timeout).ConfigureAwait(false);
            DriverLastSeen = DateTime.UtcNow;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Unreachable this time; the executor decides when that has lasted too long.
        }
    }

    public JobLoadContext LoadContext { get; }

    public TypeResolutionPolicy Policy { get; }

    public ExecutionEnvironment Environment { get; }

    /// <summary>The pieces of broadcast values this worker fetched, which it serves to other workers.</summary>
    public BroadcastPieces BroadcastPieces { get; }

    /// <summary>Drops this worker's copy of a broadcast: its value and its pieces.</summary>
    public void RemoveBroadcast(long id)
    {
        Environment.Broadcasts.Remove(id);
        BroadcastPieces.Remove(id);
    }

    public LocalShuffleManager ShuffleFiles => ((RemoteShuffleManager)Environment.ShuffleManager).Local;

    /// <summary>The stage's task, deserialised once from its uploaded payload; the map outputs it reads are recorded first.</summary>
    public StageTask Stage(long binaryId) => _stages.GetOrAdd(binaryId, id => new Lazy<StageTask>(() =>
    {
        var (binary, shuffles, cached) = StagePayload.Read(_blobs.Get(WorkerExecutor.BinaryKey(AppId, id)));
        foreach (var (shuffleId, statuses) in shuffles)
        {
            Environment.MapOutputs.Replace(shuffleId, statuses);
        }

        foreach (var (block, executor) in cached)
        {
            _cachedElsewhere.AddOrUpdate(block, [executor], (_, known) => known.Contains(executor) ? known : [.. known, executor]);
        }

        return TaskBinary.Deserialize(binary, Policy);
    })).Value;

    public void StoreResult(long taskId, byte[] bytes) => _storedResults[taskId] = bytes;

    /// <summary>A chunk of a stored result; reading its last byte releases it.</summary>
    public DataChunk ReadResult(long taskId, long offset, int count)
    {
        if (!_storedResults.TryGetValue(taskId, out var bytes))
        {
            throw new InvalidOperationException($"Task {taskId} of application {AppId} has no stored result here.");
        }

        var chunk = Chunks.Slice(bytes, offset, count);
        if (offset + chunk.Bytes.Length >= bytes.LongLength)
        {
            _storedResults.TryRemove(taskId, out _);
        }

        return chunk;
    }

    /// <summary>
    /// Re-creates the driver's serializer registrations from the job's assemblies (formatters and resolvers of the
    /// engine's own assemblies resolve from the worker's), so records and closures of the application's types use them.
    /// </summary>
    private void RegisterSerializers(string[] typeNames)
    {
        using var scope = LoadContext.EnterContextualReflection();
        foreach (var name in typeNames)
        {
            var type = Type.GetType(name, throwOnError: false) ?? throw new InvalidOperationException(
                $"Application {AppId} registered serializer {name}, which is not in the assemblies it shipped.");
            if (!Policy.AllowList.IsJobAssembly(type.Assembly) && !TypeAllowList.IsEngineOrDependency(type.Assembly))
            {
                throw new DisallowedTypeException(name, $"serializer registrations must be types of the job's assemblies, not of {type.Assembly.GetName().Name}");
            }

            var instance = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"Cannot create {name}.");
            if (instance is MessagePack.IFormatterResolver resolver)
            {
                DataflowSerializer.RegisterResolver(resolver);
                continue;
            }

            var formatted = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(MessagePack.Formatters.IMessagePackFormatter<>))
                ?? throw new InvalidOperationException($"Serializer registration {name} is neither a formatter nor a resolver.");
            typeof(DataflowSerializer).GetMethod(nameof(DataflowSerializer.RegisterFormatter))!
                .MakeGenericMethod(formatted.GetGenericArguments()[0]).Invoke(null, [instance]);
        }
    }

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

        using var stream = Environment.BlockManager.OpenSerialized(block);
        if (stream is null)
        {
            return new DataChunk([], 0);
        }

        if (stream is MemoryStream { CanWrite: true } fresh && fresh.Length > Math.Min(count, ClusterLimits.ChunkBytes))
        {
            var directory = Path.Combine(_directory, "served");
            System.IO.Directory.CreateDirectory(directory);
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

    /// <summary>Drops a persisted RDD's blocks here, and any serialised copies being served.</summary>
    public void RemoveRdd(int rddId)
    {
        Environment.BlockManager.RemoveRdd(rddId);
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

    /// <summary>Remote cached blocks read so far that were too large to hold in memory and went through a local file.</summary>
    public long SpooledFetches => Interlocked.Read(ref _spooledFetches);

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

        foreach (var executor in executors.Where(e => e != Environment.ExecutorId))
        {
            try
            {
                var holder = _grains.GetGrain<IBlockServiceGrain>(executor);
                var stream = Chunks.ReadAllAsync((offset, count) => holder.ReadCachedBlock(AppId, block.RddId, block.Partition, offset, count), OpenFetchTarget)
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
        System.IO.Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            64 * 1024, FileOptions.DeleteOnClose);
    }

    private object? FetchBroadcast(long id) => ValueCodec.Deserialize(BroadcastPieces.FetchAsync(id).GetAwaiter().GetResult(), Policy);

    public void Dispose()
    {
        _blobs.RemoveWhere(WorkerExecutor.BinaryPrefix(AppId));
        Environment.ShuffleManager.Dispose();
        Environment.BlockManager.Dispose();
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A block held as objects, serialised into a file for readers fetching it chunk by chunk.</summary>
    private sealed class ServedBlock(string path, long length)
    {
        public string Path { get; } = path;

        public long Length { get; } = length;

        public long LastRead { get; set; } = System.Environment.TickCount64;
    }
}
