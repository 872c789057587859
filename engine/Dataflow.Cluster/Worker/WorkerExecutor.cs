using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;
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
        Host = silo.SiloAddress.Endpoint.Address.ToString();
        Slots = options.Worker.HostsExecutor ? (options.Executor.Cores > 0 ? options.Executor.Cores : Environment.ProcessorCount) : 0;
        var root = options.Worker.LocalDirectory ?? Path.Combine(Path.GetTempPath(), "dataflow", $"worker-{silo.SiloAddress.Endpoint.Port}");
        Directory = Path.Combine(Path.GetFullPath(root), $"executor-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Memory = new MemoryManager(options.Executor.Memory.Bytes);
        _slots = Slots > 0 ? new LocalBackend(Slots, environment: null) : null;
        _driverTimeout = options.Worker.DriverTimeout;
        _driverChecks = new Timer(_ => _ = CheckDriversAsync(), null, _driverTimeout / 4, _driverTimeout / 4);
    }

    public string ExecutorId { get; }

    public string Host { get; }

    public int Slots { get; }

    /// <summary>The build this worker reports to drivers (tests set another to play a stale worker).</summary>
    public string Build { get; internal set; } = WireProtocol.Build;

    public string Directory { get; }

    public MemoryManager Memory { get; }

    public BlobStore Blobs { get; } = new();

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

    public void Register(ApplicationSpec spec) =>
        _ = _applications.GetOrAdd(spec.AppId, _ => new Lazy<WorkerApplication>(() => new WorkerApplication(spec, this, _grains, _logger))).Value;

    public WorkerApplication Application(string appId) =>
        _applications.TryGetValue(appId, out var app)
            ? app.Value
            : throw new InvalidOperationException($"Application {appId} is not registered on executor {ExecutorId}.");

    /// <summary>Task attempts of an application in progress here now (for tests: a killed one ends at once).</summary>
    public int RunningTasks(string appId) => _running.GetValueOrDefault(appId);

    public async Task<TaskReply> RunAsync(TaskLaunch request, CancellationToken cancellationToken)
    {
        _running.AddOrUpdate(request.AppId, 1, static (_, n) => n + 1);
        try
        {
            return await RunCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _running.AddOrUpdate(request.AppId, 0, static (_, n) => n - 1);
        }
    }

    private async Task<TaskReply> RunCoreAsync(TaskLaunch request, CancellationToken cancellationToken)
    {
        if (_slots is null)
        {
            throw new InvalidOperationException($"Silo {ExecutorId} runs no executor (it is a membership-only primary).");
        }

        var app = Application(request.AppId);
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
            result = await _slots.RunTaskAsync(description with { Task = task }, app.Environment, cancellationToken).ConfigureAwait(false);
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
                    RemoveApplication(appId);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    public void RemoveApplication(string appId)
    {
        _running.TryRemove(appId, out _);
        if (_applications.TryRemove(appId, out var app) && app.IsValueCreated)
        {
            app.Value.Dispose();
        }
    }

    public void Dispose()
    {
        _driverChecks.Dispose();
        _slots?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var appId in _applications.Keys)
        {
            RemoveApplication(appId);
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
