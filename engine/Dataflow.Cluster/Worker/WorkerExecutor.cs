using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Security;
using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Scheduling.Backends;
using Dataflow.Serialization.Wire;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// A worker's executor: task slots on dedicated threads (the local backend's), one memory budget shared by all
/// applications, the blobs drivers uploaded and the applications set up from them. The executor grain is its thin
/// Orleans face.
/// </summary>
/// <remarks>Spark: Executor</remarks>
internal sealed partial class WorkerExecutor : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<WorkerApplication>> _applications = new(StringComparer.Ordinal);
    private readonly LocalBackend? _slots;
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
    /// <summary>How long a removed application's cancelled tasks are awaited before its files are deleted anyway.</summary>
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);

    private readonly IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly TimeSpan _driverTimeout;
    private readonly Timer _driverChecks;
    private int _checking;

    public WorkerExecutor(DataflowOptions options, ILocalSiloDetails silo, IGrainFactory grains, ILoggerFactory loggerFactory)
    {
        _grains = grains;
        _logger = loggerFactory.CreateLogger<WorkerExecutor>();
        ExecutorId = silo.SiloAddress.ToParsableString();
        Address = silo.SiloAddress.Endpoint.ToString();
        Host = silo.SiloAddress.Endpoint.Address.ToString();
        Slots = options.Worker.HostsExecutor ? (options.Executor.Cores > 0 ? options.Executor.Cores : Environment.ProcessorCount) : 0;
        var root = options.Worker.LocalDirectory ?? Path.Combine(Path.GetTempPath(), "dataflow", $"worker-{silo.SiloAddress.Endpoint.Port}");
        Directory = Path.Combine(Path.GetFullPath(root), $"executor-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Memory = new MemoryManager(options.Executor.Memory.Bytes);
        _slots = Slots > 0 ? new LocalBackend(Slots, environment: null) : null;
        Admission = new ApplicationAdmission(ClusterKey.Load(options.Cluster), ExecutorId, _logger);
        _driverTimeout = options.Worker.DriverTimeout;
        _driverChecks = new Timer(_ => _ = CheckDriversAsync(), null, _driverTimeout / 4, _driverTimeout / 4);
    }

    public string ExecutorId { get; }

    public string Host { get; }

    /// <summary>The silo endpoint, host:port.</summary>
    public string Address { get; }

    public int Slots { get; }

    /// <summary>The build this worker reports to drivers (tests set another to play a stale worker).</summary>
    public string Build { get; internal set; } = WireProtocol.Build;

    public string Directory { get; }

    public MemoryManager Memory { get; }

    public BlobStore Blobs { get; } = new();

    /// <summary>Which drivers' applications this worker accepts requests for.</summary>
    public ApplicationAdmission Admission { get; }

    /// <summary>The worker-wide read-ahead budget of remote shuffle fetches, in chunks.</summary>
    public SemaphoreSlim ReadAhead { get; } = new(ClusterLimits.ReadAheadChunks);

    /// <summary>
    /// Tests: per application id, how long a task launched on an executor is held before it runs and before its reply
    /// is sent (both cut short when it is killed), to play a slow executor; in-process test clusters run every worker
    /// in the test's process.
    /// </summary>
    internal static ConcurrentDictionary<string, Func<TaskLaunch, string, Slowdown>> TestSlowdowns { get; } = new(StringComparer.Ordinal);

    public static string AssemblyKey(string hash) => $"asm-{hash}";

    public static string BinaryKey(string appId, long binaryId) => BinaryPrefix(appId) + binaryId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The prefix of every stage payload blob of an application.</summary>
    public static string BinaryPrefix(string appId) => $"bin-{appId}-";

    /// <summary>Sets up an admitted application (idempotent).</summary>
    public void Register(AppTicket app, ApplicationSpec spec)
    {
        var token = Admission.TokenOf(app);
        if (spec.AppId != app.AppId)
        {
            throw new ArgumentException($"The ticket of application {app.AppId} cannot register application {spec.AppId}.", nameof(spec));
        }

        var registered = _applications.GetOrAdd(spec.AppId, _ => new Lazy<WorkerApplication>(() => new WorkerApplication(spec, token, this, _grains, _logger))).Value;
        Admission.Check(app, registered.Token, nameof(Register));
    }

    /// <summary>A registered application, for a request that carries its ticket; any other request is refused and logged.</summary>
    public WorkerApplication Application(AppTicket app, [CallerMemberName] string request = "")
    {
        ArgumentNullException.ThrowIfNull(app);
        var application = Application(app.AppId);
        Admission.Check(app, application.Token, request);
        return application;
    }

    /// <summary>Receives a chunk of a blob for an admitted application: one of its own stage payloads, or a job assembly checked against its hash.</summary>
    public void PutBlobChunk(AppTicket app, string key, long offset, long totalLength, byte[] chunk)
    {
        Admission.Require(app, nameof(PutBlobChunk));
        var assembly = key.StartsWith("asm-", StringComparison.Ordinal);
        if (!assembly && !(key.StartsWith(BinaryPrefix(app.AppId), StringComparison.Ordinal) && long.TryParse(key.AsSpan(BinaryPrefix(app.AppId).Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            throw new UnauthorizedAccessException($"Executor {ExecutorId} refused blob {key} from application {app.AppId}: an application uploads job assemblies (asm-<sha256>) and its own stage payloads ({BinaryPrefix(app.AppId)}<id>) only.");
        }

        if (Blobs.Put(key, offset, totalLength, chunk) && assembly)
        {
            // Content-addressed and shared by applications: bytes that do not match their name are dropped.
            var hash = Convert.ToHexStringLower(SHA256.HashData(Blobs.Get(key)));
            if (AssemblyKey(hash) != key)
            {
                Blobs.Remove(key);
                throw new InvalidDataException($"Executor {ExecutorId}: the bytes uploaded as {key} by application {app.AppId} have SHA-256 {hash}; dropped.");
            }
        }
    }

    private WorkerApplication Application(string appId) =>
        _applications.TryGetValue(appId, out var app)
            ? app.Value
            : throw new InvalidOperationException($"Application {appId} is not registered on executor {ExecutorId}.");

    /// <summary>Task attempts of an application in progress here now (for tests: a killed one ends at once).</summary>
    public int RunningTasks(string appId) => _running.GetValueOrDefault(appId);

    public async Task<TaskReply> RunAsync(AppTicket ticket, TaskLaunch request, CancellationToken cancellationToken)
    {
        var app = Application(ticket, nameof(RunAsync));
        if (request.AppId != ticket.AppId)
        {
            throw new UnauthorizedAccessException($"Executor {ExecutorId} refused a task of application {request.AppId} sent with the ticket of {ticket.AppId}.");
        }

        // A task of an application being removed (its driver is gone) is not started; running ones are cancelled.
        if (!app.TryEnterTask())
        {
            throw new OperationCanceledException($"Application {app.AppId} is being removed from executor {ExecutorId}.");
        }

        _running.AddOrUpdate(request.AppId, 1, static (_, n) => n + 1);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Stopping);
            return await RunCoreAsync(request, app, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _running.AddOrUpdate(request.AppId, 0, static (_, n) => n - 1);
            app.ExitTask();
        }
    }

    private async Task<TaskReply> RunCoreAsync(TaskLaunch request, WorkerApplication app, CancellationToken cancellationToken)
    {
        if (_slots is null)
        {
            throw new InvalidOperationException($"Silo {ExecutorId} runs no executor (it is a membership-only primary).");
        }

        var description = new TaskDescription(request.TaskId, request.JobId, request.StageId, request.StageAttempt, request.PartitionId, request.Attempt, null!, [])
        {
            Barrier = request.BarrierTasks > 0 ? new BarrierLaunch(request.BarrierTasks, request.BarrierEpoch) : null,
        };
        var slowdown = TestSlowdowns.TryGetValue(request.AppId, out var slow) ? slow(request, ExecutorId) : default;
        if (slowdown.BeforeRun > TimeSpan.Zero)
        {
            await Task.Delay(slowdown.BeforeRun, cancellationToken).ConfigureAwait(false);
        }

        TaskResult result;
        try
        {
            var deserializing = System.Diagnostics.Stopwatch.GetTimestamp();
            var task = app.Stages.Get(request.BinaryId).ForPartition(request.PartitionId);
            var deserializeTime = System.Diagnostics.Stopwatch.GetElapsedTime(deserializing);
            TaskStarted();
            try
            {
                result = await _slots.RunTaskAsync(description with { Task = task }, app.Environment, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                TaskEnded();
            }

            result.Metrics.DeserializeTime += deserializeTime;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stage could not be set up here (a refused type, a missing assembly): the task fails with the cause.
            result = new TaskResult(description, null, e, new TaskMetrics(), ExecutorId);
        }

        if (slowdown.BeforeReply > TimeSpan.Zero)
        {
            await Task.Delay(slowdown.BeforeReply, cancellationToken).ConfigureAwait(false);
        }

        byte[] bytes;
        try
        {
            bytes = TaskResultCodec.Serialize(result);
        }
        catch (Exception e) when (e is NotSupportedException or MessagePack.MessagePackSerializationException)
        {
            bytes = TaskResultCodec.Serialize(new TaskResult(description, null,
                new NotSupportedException($"The result of task {request.TaskId} (stage {request.StageId}, partition {request.PartitionId}) cannot be sent to the driver: {e.Message}", e),
                result.Metrics, ExecutorId));
        }

        if (bytes.Length <= ClusterLimits.ChunkBytes)
        {
            return new TaskReply(bytes);
        }

        app.Stages.StoreResult(request.TaskId, bytes);
        return new TaskReply(null);
    }

    /// <summary>
    /// Drops the applications whose driver has not answered for <c>Dataflow:Worker:DriverTimeout</c>: a driver that
    /// crashed never removes its application, and its files would stay on the worker for good.
    /// </summary>
    private async Task CheckDriversAsync()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var (appId, app) in _applications.Where(a => a.Value.IsValueCreated).Select(a => (a.Key, a.Value.Value)).ToList())
            {
                await app.CheckDriverAsync(_driverTimeout / 4).ConfigureAwait(false);
                if (DateTime.UtcNow - app.DriverLastSeen > _driverTimeout)
                {
                    LogDriverGone(appId, _driverTimeout);
                    await RemoveApplicationAsync(appId).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>
    /// Drops an application: its running tasks are cancelled (each stops at its next record) and awaited, for a
    /// while, before its files, cached blocks, broadcast copies, stage payloads and the job assemblies no other
    /// application uses are deleted.
    /// </summary>
    public async Task RemoveApplicationAsync(string appId)
    {
        Admission.Forget(appId);
        if (!_applications.TryRemove(appId, out var entry) || !entry.IsValueCreated)
        {
            return;
        }

        var app = entry.Value;
        await app.StopAsync(s_stopGrace).ConfigureAwait(false);
        app.Dispose();
        _running.TryRemove(appId, out _);
        var inUse = _applications.Values.Where(a => a.IsValueCreated).SelectMany(a => a.Value.AssemblyHashes).ToHashSet(StringComparer.Ordinal);
        foreach (var hash in app.AssemblyHashes.Where(h => !inUse.Contains(h)))
        {
            Blobs.Remove(AssemblyKey(hash));
        }
    }

    public void Dispose()
    {
        _driverChecks.Dispose();
        _slots?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var appId in _applications.Keys)
        {
            RemoveApplicationAsync(appId).GetAwaiter().GetResult();
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>A test's hold on one task: before it runs, and after it ran before its reply is sent.</summary>
    internal readonly record struct Slowdown(TimeSpan BeforeRun, TimeSpan BeforeReply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The driver of application {AppId} has not answered for {Timeout}; removing the application and its files.")]
    private partial void LogDriverGone(string appId, TimeSpan timeout);
}
