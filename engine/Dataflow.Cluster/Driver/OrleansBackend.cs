using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Worker;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Scheduling.Backends;
using Dataflow.Serialization;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// The executors of an Orleans cluster as the task scheduler's executor pool, the driver being an Orleans client. It
/// follows membership (a worker that joins is set up — assemblies uploaded once, application registered — and reported
/// with its slots; one that leaves is reported lost, and the scheduler runs its tasks again elsewhere), launches each
/// attempt on the executor the <see cref="TaskSetScheduler"/> chose (uploading the stage's binary once per executor),
/// kills attempts by cancelling their calls, and fetches results that were too large to return inline in chunks.
/// Placement, slots, delay scheduling, retries and barrier launch are the scheduler's.
/// </summary>
/// <remarks>Spark: CoarseGrainedSchedulerBackend.</remarks>
internal sealed partial class OrleansBackend : ISchedulerBackend, IExecutorCleanup
{
    private static readonly TimeSpan s_membershipPoll = TimeSpan.FromSeconds(1);

    private const string BuildAdvice = "Driver and workers must run the same build: run the driver from a Release build "
        + "(dotnet run -c Release), as cluster-config/local-cluster.sh runs the workers, or restart the workers from the "
        + "driver's build (local-cluster.sh stop, then start N, which rebuilds a stale worker).";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RemoteExecutor> _executors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _settingUp = new(StringComparer.Ordinal);
    private readonly Dictionary<long, CancellationTokenSource> _running = [];
    private readonly ConcurrentDictionary<(int Stage, int Attempt), Lazy<(long Id, byte[] Payload)>> _stages = new();
    private readonly TypeResolutionPolicy _policy;
    private readonly DataflowContext _context;
    private readonly IClusterClient _client;
    private readonly IHost? _ownedHost;
    private readonly IReadOnlyList<(JobAssembly Assembly, byte[] Bytes)> _assemblies;
    private readonly DriverEndpoint _endpoint;
    private readonly ApplicationSpec _spec;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, string> _incompatible = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _withoutSlots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refused = new(StringComparer.Ordinal);
    private readonly Security.ClusterKey? _key;
    private readonly AppTicket _ticket;
    private readonly PendingCalls _cleanups = new();
    private Task _membership = Task.CompletedTask;
    private volatile string? _lastSetUpFailure;
    private long _nextBinaryId;
    private ITaskSchedulerEvents? _scheduler;

    private OrleansBackend(DataflowContext context, IClusterClient client, IHost? ownedHost)
    {
        _context = context;
        _client = client;
        _ownedHost = ownedHost;
        _logger = context.LoggerFactory.CreateLogger<OrleansBackend>();
        _policy = TypeResolutionPolicy.ForDriver(_logger);
        _assemblies = JobAssemblies.Collect();
        _endpoint = new DriverEndpoint(context);
        AppId = Guid.NewGuid().ToString("N");
        _key = Security.ClusterKey.Load(context.Options.Cluster);
        _ticket = new AppTicket(AppId, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _spec = new ApplicationSpec(AppId, [.. _assemblies.Select(a => a.Assembly)], context.Options.Shuffle.Compress,
            (int)context.Options.Shuffle.FileBufferSize.Bytes, client.CreateObjectReference<IDriverEndpoint>(_endpoint),
            [.. DataflowSerializer.Registrations.Select(r => TypeNames.Wire(r.GetType()))], context.Options.Executor.FetchToMemoryLimit.Bytes,
            JobAssemblies.Provided(), context.Options.Shuffle.InMemoryOutputThreshold.Bytes, context.Options.Shuffle.InMemoryOutputLimit.Bytes);
    }

    public string AppId { get; }

    /// <summary>This application's ticket, which its requests to workers carry (for tests).</summary>
    internal AppTicket Ticket => _ticket;

    public int DefaultParallelism { get; private set; }

    /// <summary>The executors now taking tasks.</summary>
    public IReadOnlyList<ExecutorInfo> Executors
    {
        get
        {
            lock (_lock)
            {
                return [.. _executors.Values.Where(e => e.Alive).Select(e => e.Info)];
            }
        }
    }

    /// <summary>Sets up every worker in the cluster, then follows membership; fails when none has task slots.</summary>
    public static async Task<OrleansBackend> StartAsync(DataflowContext context, IClusterClient client, IHost? ownedHost, TimeSpan waitForWorkers)
    {
        var backend = new OrleansBackend(context, client, ownedHost);
        var deadline = DateTime.UtcNow + waitForWorkers;
        while (true)
        {
            try
            {
                await backend.RefreshMembershipAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A silo that died moments ago (its death not yet declared) can fail the membership read: try again.
                backend.LogMembershipFailed(e.Message);
            }

            var slots = backend.Executors.Sum(e => e.Slots);
            if (slots > 0)
            {
                backend.DefaultParallelism = slots;
                break;
            }

            // Workers were found, all of another build or refusing this driver's key (none failed set-up for another
            // reason): waiting would not change that.
            if ((!backend._refused.IsEmpty && backend._lastSetUpFailure is null) || (!backend._incompatible.IsEmpty && backend._lastSetUpFailure is null) || DateTime.UtcNow > deadline)
            {
                await backend.DisposeAsync().ConfigureAwait(false);
                if (!backend._refused.IsEmpty)
                {
                    throw new ClusterUnavailableException($"The workers at {context.Master} did not admit this driver: {string.Join(" ", backend._refused.Values.Distinct())}");
                }

                throw new ClusterUnavailableException(backend._incompatible.IsEmpty
                    ? backend._lastSetUpFailure is { } failure
                        ? $"No worker with task slots joined the cluster at {context.Master} within {waitForWorkers.TotalSeconds:0} s; the last attempt: {failure}."
                        : $"No worker with task slots joined the cluster at {context.Master} within {waitForWorkers.TotalSeconds:0} s; start workers with cluster-config/local-cluster.sh start N."
                    : $"The workers at {context.Master} run another build of Dataflow ({string.Join("; ", backend._incompatible.Values.Distinct())}) than this driver ({WireProtocol.Build}). {BuildAdvice}");
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        backend._membership = backend.FollowMembershipAsync();
        backend.LogConnected(context.Master.Url, backend.Executors.Count, backend.DefaultParallelism);
        return backend;
    }

    public void Attach(ITaskSchedulerEvents scheduler)
    {
        List<RemoteExecutor> known;
        lock (_lock)
        {
            _scheduler = scheduler;
            known = [.. _executors.Values.Where(e => e.Alive)];
        }

        foreach (var executor in known)
        {
            scheduler.ExecutorAdded(SlotsOf(executor));
        }
    }

    public void Launch(TaskDescription task, string executorId)
    {
        var kill = new CancellationTokenSource();
        RemoteExecutor? executor;
        lock (_lock)
        {
            executor = _executors.GetValueOrDefault(executorId);
            _running.Add(task.TaskId, kill);
        }

        _ = RunAsync(task, executor, executorId, kill);
    }

    public void Kill(long taskId, string executorId, string reason)
    {
        // Cancelling the call cancels the task on the worker (Orleans forwards it); the callbacks run elsewhere, so
        // the end is never reported from inside this call. Under the lock: an attempt that has just ended disposes
        // its source only once it is out of the table.
        lock (_lock)
        {
            _ = _running.GetValueOrDefault(taskId)?.CancelAsync();
        }
    }

    /// <summary>Task attempts launched and not yet reported (for tests: none once every job has ended).</summary>
    internal int RunningTaskCount
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    public void RemoveShuffle(int shuffleId)
    {
        foreach (var executor in LiveExecutors())
        {
            _cleanups.Add(executor.Grain.RemoveShuffle(_ticket, shuffleId));
        }
    }

    public void RemoveStageAttempt(int stageId, int stageAttempt)
    {
        _endpoint.Barriers.RemoveStageAttempt(stageId, stageAttempt);
        // Not created (no task was launched) or failed to serialise: nothing was sent anywhere.
        if (!_stages.TryRemove((stageId, stageAttempt), out var entry) || !entry.IsValueCreated)
        {
            return;
        }

        var binaryId = entry.Value.Id;
        var key = WorkerExecutor.BinaryKey(AppId, binaryId);
        foreach (var executor in LiveExecutors().Where(e => e.ForgetBlob(key)))
        {
            _cleanups.Add(executor.Grain.RemoveStage(_ticket, binaryId));
        }
    }

    /// <summary>Barrier launches the driver coordinates now (for tests: none once their stages have ended).</summary>
    internal int BarrierCount => _endpoint.Barriers.Count;

    /// <summary>Stage payloads kept for stage attempts still running (for tests: none once every job has ended).</summary>
    internal int StagePayloadCount => _stages.Count;

    /// <summary>Completes when the release calls to workers started so far (stages, shuffles) have ended.</summary>
    internal Task CleanupsDrainedAsync() => _cleanups.WhenAllAsync();

    public async Task RemoveMapOutputAsync(int shuffleId, int mapId, string executorId)
    {
        RemoteExecutor? executor;
        lock (_lock)
        {
            executor = _executors.GetValueOrDefault(executorId);
        }

        if (executor is not null)
        {
            // A worker that cannot be reached has lost the output anyway.
            await executor.Grain.RemoveMapOutput(_ticket, shuffleId, mapId).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task RemoveBroadcastAsync(long broadcastId, bool destroyed)
    {
        if (destroyed)
        {
            // Nothing can read a destroyed broadcast again (the driver refuses to ship a closure holding it), so the
            // workers drop their copies in the background, like a finished shuffle's files, tracked with the other
            // release calls; an iterative job does not wait a round trip per iteration for it. Spark: destroy(blocking = false).
            _endpoint.Forget(broadcastId);
            foreach (var executor in LiveExecutors())
            {
                _cleanups.Add(executor.Grain.RemoveBroadcast(_ticket, broadcastId));
            }

            return;
        }

        // A worker that cannot be reached has no copy to drop that anyone could read. Holders are forgotten once the
        // copies are dropped; a fetch in between finds a piece gone and reads it from the driver.
        await Task.WhenAll(LiveExecutors().Select(e => e.Grain.RemoveBroadcast(_ticket, broadcastId).WaitAsync(TimeSpan.FromSeconds(30))))
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _endpoint.ForgetHolders(broadcastId);
    }

    /// <summary>How many times workers started fetching a broadcast value (one manifest from this driver each).</summary>
    public long BroadcastFetches => _endpoint.Fetches;

    /// <summary>Broadcasts whose serialised value the driver serves to workers.</summary>
    internal int ServedBroadcastCount => _endpoint.ServedCount;

    /// <summary>The executors this driver knows, with what it uploaded to each (for tests).</summary>
    internal IReadOnlyList<RemoteExecutor> KnownExecutors
    {
        get
        {
            lock (_lock)
            {
                return [.. _executors.Values];
            }
        }
    }

    /// <summary>How many broadcast pieces workers read from this driver rather than from each other.</summary>
    public long BroadcastPieceReads => _endpoint.PieceReads;

    public void RemoveRdd(int rddId)
    {
        foreach (var executor in LiveExecutors())
        {
            _ = executor.Grain.RemoveRdd(_ticket, rddId).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _membership.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var executor in LiveExecutors())
        {
            // Best effort: a worker that is gone has nothing left to delete, and one that misses this call drops the
            // application itself once this driver stops answering (Dataflow:Worker:DriverTimeout).
            try
            {
                await executor.Grain.RemoveApplication(_ticket).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogRemoveFailed(executor.Id, e.Message);
            }
        }

        if (_ownedHost is not null)
        {
            await _ownedHost.StopAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _ownedHost.Dispose();
        }

        _stopping.Dispose();
        LogDisconnected(_context.Master.Url);
    }

    private List<RemoteExecutor> LiveExecutors()
    {
        lock (_lock)
        {
            return [.. _executors.Values.Where(e => e.Alive)];
        }
    }

    /// <summary>A barrier task on a worker takes an ordinary slot (the scheduler launches its set when enough are free together).</summary>
    private static ExecutorSlots SlotsOf(RemoteExecutor executor) => new(executor.Id, executor.Info.Host, executor.Info.Slots);

    private async Task RunAsync(TaskDescription task, RemoteExecutor? executor, string executorId, CancellationTokenSource kill)
    {
        // Never report from inside Launch, which the scheduler calls under its lock.
        await Task.Yield();
        var result = executor is { Alive: true }
            ? await CallAsync(task, executor, kill.Token).ConfigureAwait(false)
            : new TaskResult(task, null, new ExecutorLostException(executorId, "it left the cluster before the task was sent", null), new TaskMetrics(), executorId);
        lock (_lock)
        {
            _running.Remove(task.TaskId);
        }

        kill.Dispose();
        _scheduler!.TaskEnded(result);
    }

    private async Task<TaskResult> CallAsync(TaskDescription task, RemoteExecutor executor, CancellationToken kill)
    {
        long binaryId;
        byte[] payload;
        try
        {
            (binaryId, payload) = StagePayloadOf(task);
        }
        catch (Exception e)
        {
            // The stage cannot be serialised (a closure capturing something that cannot travel): no attempt can
            // succeed, so the job fails now with the reason.
            return new TaskResult(task, null, new UnrunnableTaskException(e), new TaskMetrics(), executor.Id);
        }

        try
        {
            var key = WorkerExecutor.BinaryKey(AppId, binaryId);
            var inline = payload.Length <= ClusterLimits.InlinePayloadBytes && executor.SendInline(key);
            if (!inline)
            {
                await executor.EnsureBlobAsync(key, payload).ConfigureAwait(false);
            }

            using var call = CancellationTokenSource.CreateLinkedTokenSource(kill, executor.Lost.Token);
            var launch = new TaskLaunch(AppId, task.TaskId, task.JobId, task.StageId, task.StageAttempt, task.PartitionId, task.Attempt, binaryId,
                task.Barrier?.NumTasks ?? 0, task.Barrier?.Epoch ?? 0, inline ? payload : null);
            var reply = await executor.Grain.RunTask(_ticket, launch, call.Token).ConfigureAwait(false);
            if (inline)
            {
                executor.ConfirmInline(key);
            }

            var bytes = reply.Inline ?? await Chunks.ReadAllAsync((offset, count) => executor.Blocks.ReadResult(_ticket, task.TaskId, offset, count)).ConfigureAwait(false);
            return TaskResultCodec.Deserialize(bytes, task, _policy);
        }
        catch (Exception e) when (IsConnectivityFailure(e) || executor.Lost.IsCancellationRequested)
        {
            MarkLost(executor, e.Message);
            return new TaskResult(task, null, new ExecutorLostException(executor.Id, e.Message, e), new TaskMetrics(), executor.Id);
        }
        catch (OperationCanceledException e) when (kill.IsCancellationRequested)
        {
            // Killed: the scheduler reads it as a kill whatever the error.
            return new TaskResult(task, null, e, new TaskMetrics(), executor.Id);
        }
        catch (Exception e)
        {
            // Anything else the call raised (the worker could not set the task up): a failed attempt, retried like one.
            return new TaskResult(task, null, e, new TaskMetrics(), executor.Id);
        }
    }

    private (long Id, byte[] Payload) StagePayloadOf(TaskDescription task) =>
        _stages.GetOrAdd((task.StageId, task.StageAttempt), _ => new Lazy<(long, byte[])>(() =>
        {
            var binary = TaskBinary.Serialize(task.Task);
            var lineage = Lineage.Walk(task.Task.Rdd, acrossShuffles: false).ToList();
            var shuffles = lineage
                .SelectMany(r => r.Dependencies.OfType<ShuffleDependency>())
                .Select(d => d.ShuffleId).Distinct()
                .Select(id => (id, _context.MapOutputs.Snapshot(id))).ToList();
            var cached = lineage.Where(r => !r.StorageLevel.IsNone).SelectMany(r => _context.BlockLocations.OfRdd(r.Id)).ToList();
            return (Interlocked.Increment(ref _nextBinaryId), StagePayload.Write(binary, shuffles, cached));
        })).Value;

    private static bool IsConnectivityFailure(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException or GatewayTooBusyException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executor {ExecutorId} did not confirm removing this application ({Reason}); it will once this driver is gone.")]
    private partial void LogRemoveFailed(string executorId, string reason);
}
