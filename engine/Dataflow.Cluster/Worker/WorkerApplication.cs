using System.Reflection;
using Dataflow.Cluster.Grains;
using Dataflow.Execution;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using Dataflow.Shuffle;
using Microsoft.Extensions.Logging;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// One driver application on a worker: its load context and type policy, its executor environment (shuffle files,
/// cached blocks, broadcast copies, executor-local objects, the map outputs it was told about), the stage binaries it was sent and results
/// too large to return inline (<see cref="Stages"/>), and the cached blocks it serves and fetches (<see cref="Blocks"/>).
/// </summary>
internal sealed partial class WorkerApplication : IDisposable
{
    private readonly string _directory;
    private readonly IDriverEndpoint _driver;
    private readonly ILogger _logger;

    private readonly Lock _tasksLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _activeTasks;
    private bool _stopRequested;
    private TaskCompletionSource? _idle;

    public WorkerApplication(ApplicationSpec spec, byte[] token, WorkerExecutor executor, IGrainFactory grains, ILogger logger)
    {
        AppId = spec.AppId;
        Token = token;
        AssemblyHashes = [.. spec.Assemblies.Select(a => a.Hash)];
        var ticket = new AppTicket(AppId, token);
        _driver = spec.Driver;
        _logger = logger;
        _directory = Path.Combine(executor.Directory, "apps", spec.AppId);
        var provided = ProvidedAssemblyCheck.Verify(spec.AppId, spec.Provided);
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

        LogSetUp(logger, AppId, string.Join(", ", loaded.Select(a => a.GetName().Name)), string.Join(", ", provided.Select(a => $"{a.GetName().Name} {a.GetName().Version}")));
        Policy = new TypeResolutionPolicy(loaded, LoadContext, logger);
        BroadcastPieces = new BroadcastPieces(Path.Combine(_directory, "broadcast"), executor.ExecutorId, ticket, _driver, grains);
        SerializerRegistrations.Register(AppId, spec.SerializerRegistrations, LoadContext, Policy);
        var local = new LocalShuffleManager(executor.ExecutorId, Path.Combine(_directory, "shuffle"), spec.FileBufferSize,
            spec.InMemoryOutputThreshold, spec.InMemoryOutputLimit);
        Blocks = new BlockTransferService(ticket, executor.ExecutorId, _directory, executor.Memory, grains, spec.FetchToMemoryLimit);
        Environment = new ExecutionEnvironment(
            executor.ExecutorId,
            new RemoteShuffleManager(local, ticket, grains, executor.ReadAhead),
            new MapOutputTracker(),
            Blocks.BlockManager)
        {
            Memory = executor.Memory,
            SpillDirectory = Path.Combine(_directory, "spill"),
            Compress = spec.Compress,
            FetchBroadcast = FetchBroadcast,
            RemoteBarrier = ArriveAtBarrierAsync,
            CommitCoordinator = new DriverCommitAuthority(_driver),
        };
        Stages = new StageCache(AppId, executor.Blobs, Environment.MapOutputs, Blocks, Policy);
    }

    public string AppId { get; }

    /// <summary>The ticket its driver registered it with, which every request about it must carry.</summary>
    public byte[] Token { get; }

    /// <summary>The content hashes of its job assemblies.</summary>
    public IReadOnlyList<string> AssemblyHashes { get; }

    /// <summary>Cancelled when the application is removed: its running tasks stop at their next record.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Counts a task in; false once the application is being removed.</summary>
    public bool TryEnterTask()
    {
        lock (_tasksLock)
        {
            if (_stopRequested)
            {
                return false;
            }

            _activeTasks++;
            return true;
        }
    }

    /// <summary>Counts a task out.</summary>
    public void ExitTask()
    {
        lock (_tasksLock)
        {
            if (--_activeTasks == 0)
            {
                _idle?.TrySetResult();
            }
        }
    }

    /// <summary>Cancels the running tasks and waits up to <paramref name="grace"/> for them to end.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Task idle;
        lock (_tasksLock)
        {
            _stopRequested = true;
            idle = _activeTasks == 0 ? Task.CompletedTask : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        // Outside the lock: cancellation callbacks complete queued tasks, which count themselves out.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await idle.WaitAsync(grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

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

    /// <summary>The stage tasks this application was sent, and its results waiting to be read by the driver.</summary>
    public StageCache Stages { get; }

    /// <summary>The cached blocks this worker serves to other executors and fetches from them.</summary>
    public BlockTransferService Blocks { get; }

    /// <summary>The pieces of broadcast values this worker fetched, which it serves to other workers.</summary>
    public BroadcastPieces BroadcastPieces { get; }

    /// <summary>Drops this worker's copy of a broadcast: its value and its pieces.</summary>
    public void RemoveBroadcast(long id)
    {
        Environment.Broadcasts.Remove(id);
        BroadcastPieces.Remove(id);
    }

    /// <summary>Deletes a shuffle's files here and forgets the map outputs this worker was told of.</summary>
    public void RemoveShuffle(int shuffleId)
    {
        ShuffleFiles.RemoveShuffle(shuffleId);
        Environment.MapOutputs.UnregisterShuffle(shuffleId);
    }

    public LocalShuffleManager ShuffleFiles => ((RemoteShuffleManager)Environment.ShuffleManager).Local;

    /// <summary>Drops a persisted RDD's blocks here, and any serialised copies being served.</summary>
    public void RemoveRdd(int rddId)
    {
        Environment.BlockManager.RemoveRdd(rddId);
        Blocks.DropServed(rddId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {AppId}: job assemblies [{Shipped}]; provided by this worker [{Provided}].")]
    private static partial void LogSetUp(ILogger logger, string appId, string shipped, string provided);

    /// <summary>A barrier task's arrival: the tasks of a launch may run on several workers, so they meet at the driver.</summary>
    private async Task ArriveAtBarrierAsync(BarrierArrival arrival, CancellationToken cancellationToken)
    {
        // Each call waits a few seconds at most; a killed task stops waiting at once (its call is abandoned).
        while (!await _driver.ArriveAtBarrier(arrival.StageId, arrival.StageAttempt, arrival.Epoch, arrival.NumTasks, arrival.PartitionId, arrival.Round)
                   .WaitAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private object? FetchBroadcast(long id) => ValueCodec.Deserialize(BroadcastPieces.FetchAsync(id).GetAwaiter().GetResult(), Policy);

    public void Dispose()
    {
        try
        {
            Environment.Locals.Dispose();
        }
        catch (Exception e) when (e is InvalidOperationException)
        {
            // A value's own disposal failed; the application's files still go.
            _logger.LogWarning("Application {AppId}: {Message}", AppId, e.Message);
        }

        Stages.Dispose();
        _stopping.Dispose();
        Environment.ShuffleManager.Dispose();
        Environment.BlockManager.Dispose();
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }
}
