using System.Runtime.CompilerServices;
using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.Rdds;
using Dataflow.Scheduling;
using Dataflow.Scheduling.Backends;
using Dataflow.Shuffle;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow;

/// <summary>
/// The entry point of a Dataflow program (the SparkContext analogue): creates RDDs from sources, runs the jobs of
/// their actions, and owns the executors and the shuffle data. Dispose it to stop the executors and delete its
/// shuffle files.
/// </summary>
/// <example><code>
/// await using var ctx = new DataflowContext("local[4]");
/// var evens = await ctx.Range(0, 100).Where(x => x % 2 == 0).CountAsync();
/// </code></example>
/// <remarks>Spark: SparkContext</remarks>
public sealed partial class DataflowContext : IAsyncDisposable
{
    private readonly ISchedulerBackend _backend;
    private readonly TaskSetScheduler _tasks;
    private readonly ExecutionEnvironment _environment;
    private readonly string _directory;
    private readonly string _spillDirectory;
    private readonly TimeProvider _time;
    private int _nextRddId;
    private int _nextShuffleId;
    private int _disposed;

    /// <summary>Creates a context for <paramref name="master"/> (<c>local</c>, <c>local[N]</c>, <c>local[*]</c>) with default options.</summary>
    public DataflowContext(string master) : this(new DataflowOptions { Master = master })
    {
    }

    /// <summary>
    /// Creates a context. The master is <see cref="DataflowOptions.Master"/> when set (from code or <c>--master</c>),
    /// else <c>DATAFLOW_MASTER</c>, else <c>local[*]</c>. <paramref name="listeners"/> are on the bus before the
    /// application's first event, so they see its start and its first executors (a listener added later with
    /// <see cref="ListenerBus.Add"/> may not); the driver's web UI is attached this way.
    /// </summary>
    public DataflowContext(DataflowOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IEnumerable<IDataflowListener>? listeners = null)
        : this(options, loggerFactory, timeProvider, null, listeners)
    {
    }

    /// <summary>Creates a context whose tasks run on a backend of the caller's (tests use fake backends).</summary>
    internal DataflowContext(
        DataflowOptions? options,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        Func<ExecutionEnvironment, ISchedulerBackend>? backendFactory,
        IEnumerable<IDataflowListener>? listeners = null)
    {
        Options = options ?? new DataflowOptions();
        DataflowConfiguration.Validate(Options);
        Master = Master.Resolve(Options.Master);
        LoggerFactory = loggerFactory ?? Diagnostics.AmbientLogging.Current ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
        var localRoot = Path.GetFullPath(Options.Shuffle.LocalDirectory);
        var spillRoot = Options.Shuffle.SpillDirectory is { } spill ? Path.GetFullPath(spill) : localRoot;
        var setupLogger = LoggerFactory.CreateLogger<DataflowContext>();
        ContextDirectories.RemoveStale(localRoot, setupLogger);
        if (spillRoot != localRoot)
        {
            ContextDirectories.RemoveStale(spillRoot, setupLogger);
        }

        _directory = Path.Combine(localRoot, ContextDirectories.NewName());
        // Spill files get a folder of the same name under SpillDirectory when it is set, so both are deleted whole.
        _spillDirectory = Path.Combine(spillRoot, Path.GetFileName(_directory));
        MapOutputs = new MapOutputTracker();
        var memory = new MemoryManager(Options.Executor.Memory.Bytes);
        // The bus exists before the backend, which reports the executors it finds to it.
        Listeners = new ListenerBus(LoggerFactory.CreateLogger<ListenerBus>());
        foreach (var listener in listeners ?? [])
        {
            Listeners.Add(listener);
        }

        try
        {
            StartDiagnostics();
            _environment = new ExecutionEnvironment(
                "driver",
                new LocalShuffleManager("driver", Path.Combine(_directory, "shuffle"), (int)Options.Shuffle.FileBufferSize.Bytes,
                    Options.Shuffle.InMemoryOutputThreshold.Bytes, Options.Shuffle.InMemoryOutputLimit.Bytes),
                MapOutputs,
                new BlockManager("driver", Path.Combine(_directory, "blocks"), memory))
            {
                Memory = memory,
                SpillDirectory = Path.Combine(_spillDirectory, "spill"),
                Compress = Options.Shuffle.Compress,
            };
            _backend = backendFactory?.Invoke(_environment) ??
                       (Master.IsLocal ? new LocalBackend(Master.LocalThreads, _environment) : ClusterBackends.Create(this, _environment));
            BackendStarted();
        }
        catch
        {
            // Nobody can dispose a context whose constructor threw: leave no directory or event log behind.
            AbandonDiagnostics();
            ContextDirectories.DeleteQuietly(_directory);
            ContextDirectories.DeleteQuietly(_spillDirectory);
            throw;
        }

        _tasks = new TaskSetScheduler(_backend, Options.Scheduler, _time,
            LoggerFactory.CreateLogger<TaskSetScheduler>());
        _environment.CommitCoordinator = _tasks.Commits;
        Scheduler = new DagScheduler(this, _backend, MapOutputs, Listeners, _tasks);
        Checkpoints = new Checkpointing.Checkpoints(this, Path.GetFileName(_directory));
    }

    /// <summary>The master the context runs on.</summary>
    public Master Master { get; }

    /// <summary>The options in force.</summary>
    public DataflowOptions Options { get; }

    /// <summary>The listener bus: add an <see cref="IDataflowListener"/> to observe jobs, stages and tasks.</summary>
    public ListenerBus Listeners { get; }

    /// <summary>The default partition count of sources and shuffles that are not told one: the number of task slots.</summary>
    public int DefaultParallelism => _backend.DefaultParallelism;

    internal ILoggerFactory LoggerFactory { get; }

    internal DagScheduler Scheduler { get; }

    /// <summary>Where tasks run (tests look at the cluster backend).</summary>
    internal ISchedulerBackend Backend => _backend;

    internal MapOutputTracker MapOutputs { get; }

    /// <summary>Where cluster executors hold cached partitions.</summary>
    internal BlockLocations BlockLocations { get; } = new();

    internal ExecutionEnvironment Environment => _environment;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Distributes a collection from the driver over <paramref name="numSlices"/> partitions (default: <see cref="DefaultParallelism"/>).</summary>
    /// <remarks>Spark: parallelize</remarks>
    public Rdd<T> Parallelize<T>(IEnumerable<T> data, int? numSlices = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        var slices = numSlices ?? DefaultParallelism;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slices, nameof(numSlices));
        return new ParallelCollectionRdd<T>(this, [.. data], slices, new CallSite(nameof(Parallelize), callerFile, callerLine));
    }

    /// <summary>
    /// The numbers from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) by
    /// <paramref name="step"/>, generated in the tasks (nothing is materialised on the driver).
    /// </summary>
    /// <remarks>Spark: range</remarks>
    public Rdd<long> Range(long start, long end, long step = 1, int? numSlices = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        if (step == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "Range step must not be 0.");
        }

        var slices = numSlices ?? DefaultParallelism;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slices, nameof(numSlices));
        return new RangeRdd(this, start, end, step, slices, new CallSite(nameof(Range), callerFile, callerLine));
    }

    /// <summary>
    /// The lines of a text file, of every file in a directory, or of every file matching a glob (<c>*</c>, <c>?</c>,
    /// <c>[abc]</c>, <c>{a,b}</c>); names starting with <c>_</c> or <c>.</c> are skipped. Files are split into byte
    /// ranges read in parallel (a <c>.gz</c> file is read whole). UTF-8; invalid bytes read as U+FFFD; <c>\n</c> and
    /// <c>\r\n</c> line ends.
    /// </summary>
    /// <remarks>Spark: textFile</remarks>
    public Rdd<string> TextFile(string path, int? minPartitions = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var partitions = minPartitions ?? Math.Min(DefaultParallelism, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions, nameof(minPartitions));
        return new TextFileRdd(this, Path.GetFullPath(path), partitions, new CallSite(nameof(TextFile), callerFile, callerLine));
    }

    /// <summary>
    /// Runs a job: <paramref name="func"/> on each of <paramref name="partitions"/> (all when <c>null</c>) of
    /// <paramref name="rdd"/>, handing each result to <paramref name="resultHandler"/> as it arrives. Every action is
    /// built on this.
    /// </summary>
    /// <remarks>Spark: runJob</remarks>
    public Task RunJobAsync<T, TResult>(
        Rdd<T> rdd,
        Func<TaskContext, IEnumerable<T>, TResult> func,
        IReadOnlyList<int>? partitions,
        Action<int, TResult> resultHandler,
        CallSite callSite,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rdd);
        ArgumentNullException.ThrowIfNull(func);
        ArgumentNullException.ThrowIfNull(resultHandler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!ReferenceEquals(rdd.Context, this))
        {
            throw new ArgumentException($"{callSite}: RDD {rdd.Id} belongs to another DataflowContext.", nameof(rdd));
        }

        // The function runs in the tasks: it must be able to travel to workers (checked in local mode too).
        Serialization.Closures.ClosureChecker.Shared.Check(func, callSite);
        var job = Scheduler.RunJobAsync(rdd, func, partitions, resultHandler, callSite, CurrentJobGroup, cancellationToken);
        return Checkpoints.HasPending ? ThenCheckpointAsync(job, rdd, cancellationToken) : job;
    }

    /// <summary>After the job, checkpoints the RDDs marked for one that it computed (Spark: RDD.doCheckpoint).</summary>
    private async Task ThenCheckpointAsync(Task job, RddBase rdd, CancellationToken cancellationToken)
    {
        await job.ConfigureAwait(false);
        await Checkpoints.AfterJobAsync(rdd, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the executors, disposes the local executor's <see cref="TaskContext.ExecutorLocals"/> and deletes the
    /// context's shuffle and temporary files, and its checkpoint files unless <c>Dataflow:Checkpoint:Keep</c> is set.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _tasks.Dispose();
        await _backend.DisposeAsync().ConfigureAwait(false);
        try
        {
            // No task runs any more: the local executor's objects go with the context.
            await _environment.Locals.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await StopDiagnosticsAsync().ConfigureAwait(false);
            _environment.ShuffleManager.Dispose();
            _environment.BlockManager.Dispose();
            Checkpoints.DeleteAll();
            foreach (var directory in new[] { _directory, _spillDirectory })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    internal int NewRddId() => Interlocked.Increment(ref _nextRddId) - 1;

    internal int NewShuffleId() => Interlocked.Increment(ref _nextShuffleId) - 1;

    /// <summary>The context's private directory for temporary files.</summary>
    internal string WorkDirectory => _directory;
}
