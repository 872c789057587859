using Dataflow.Accumulators;
using Dataflow.Scheduling;
using Dataflow.Storage;

namespace Dataflow.Execution;

/// <summary>
/// The running task attempt, available to user code as <see cref="Current"/> (on the executor thread running the
/// task): its stage, partition and attempt, a cancellation token, metrics, completion callbacks and the executor's
/// <see cref="Execution.ExecutorLocals"/>.
/// </summary>
/// <remarks>Spark: TaskContext</remarks>
public sealed class TaskContext
{
    [ThreadStatic]
    private static TaskContext? t_current;

    private readonly List<Action<TaskContext>> _completionCallbacks = [];
    private Dictionary<long, Accumulator>? _accumulators;
    private List<Storage.RddBlockId>? _storedBlocks;

    internal TaskContext(TaskDescription description, ExecutionEnvironment environment, CancellationToken cancellationToken)
    {
        Description = description;
        Environment = environment;
        CancellationToken = cancellationToken;
        Memory = new TaskMemoryManager(environment.Memory, description.TaskId);
        TempFiles = new TaskTempFiles(environment.SpillDirectory, description.TaskId);
    }

    /// <summary>The task attempt running on this thread, or <c>null</c> outside a task.</summary>
    public static TaskContext? Current => t_current;

    /// <summary>The job the task belongs to.</summary>
    public int JobId => Description.JobId;

    /// <summary>The stage the task belongs to.</summary>
    public int StageId => Description.StageId;

    /// <summary>The stage's attempt number (a stage is re-attempted after a fetch failure).</summary>
    public int StageAttempt => Description.StageAttempt;

    /// <summary>The partition the task computes.</summary>
    public int PartitionId => Description.PartitionId;

    /// <summary>The attempt number of this task, 0 for the first.</summary>
    public int AttemptNumber => Description.Attempt;

    /// <summary>An id unique to this attempt within the context.</summary>
    public long TaskAttemptId => Description.TaskId;

    /// <summary>Signalled when the job is cancelled or fails; long-running user code should observe it.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The attempt's metrics, filled in as it runs.</summary>
    public TaskMetrics Metrics { get; } = new();

    /// <summary>
    /// Objects this executor keeps for the application across tasks and jobs (an accelerator's resident data, a
    /// parameter-server client), disposed when the application ends here; see <see cref="Execution.ExecutorLocals"/>.
    /// </summary>
    public ExecutorLocals ExecutorLocals => Environment.Locals;

    internal TaskDescription Description { get; }

    internal ExecutionEnvironment Environment { get; }

    /// <summary>The execution memory of this attempt's sort buffers, maps and groups; released when it ends.</summary>
    internal TaskMemoryManager Memory { get; }

    /// <summary>This attempt's spill files; deleted when it ends.</summary>
    internal TaskTempFiles TempFiles { get; }

    /// <summary>Registers a callback run when the attempt ends, successfully or not (in reverse order of registration).</summary>
    public void AddTaskCompletionListener(Action<TaskContext> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _completionCallbacks.Add(callback);
    }

    /// <summary>This attempt's private copy of <paramref name="accumulator"/>, created at the first add.</summary>
    internal Accumulator LocalAccumulator(Accumulator accumulator)
    {
        _accumulators ??= [];
        if (!_accumulators.TryGetValue(accumulator.Id, out var local))
        {
            local = accumulator.CopyZero();
            _accumulators.Add(accumulator.Id, local);
        }

        return local;
    }

    /// <summary>Records a cached partition this attempt stored, reported to the driver with its result.</summary>
    internal void RecordStoredBlock(Storage.RddBlockId block) => (_storedBlocks ??= []).Add(block);

    /// <summary>The cached partitions this attempt stored.</summary>
    internal IReadOnlyList<Storage.RddBlockId> StoredBlocks => _storedBlocks is null ? [] : [.. _storedBlocks];

    /// <summary>The accumulator copies this attempt added to, reported with a successful result.</summary>
    internal IReadOnlyList<Accumulator> AccumulatorUpdates => _accumulators is null ? [] : [.. _accumulators.Values];

    internal static TaskContext? SetCurrent(TaskContext? context)
    {
        var previous = t_current;
        t_current = context;
        return previous;
    }

    internal void ThrowIfCancellationRequested() => CancellationToken.ThrowIfCancellationRequested();

    /// <summary>Runs the completion callbacks; the first exception is rethrown after all have run.</summary>
    internal void RunCompletionCallbacks()
    {
        Exception? first = null;
        for (var i = _completionCallbacks.Count - 1; i >= 0; i--)
        {
            try
            {
                _completionCallbacks[i](this);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }

        _completionCallbacks.Clear();
        if (first is not null)
        {
            throw new InvalidOperationException($"A task completion callback of partition {PartitionId} failed: {first.Message}", first);
        }
    }
}
