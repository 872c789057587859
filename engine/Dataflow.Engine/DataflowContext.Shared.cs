using System.Runtime.CompilerServices;
using Dataflow.Accumulators;
using Dataflow.Broadcasting;

namespace Dataflow;

public sealed partial class DataflowContext
{
    private readonly AsyncLocal<string?> _jobGroup = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, object?> _broadcastValues = new();
    private long _nextBroadcastId;

    internal AccumulatorRegistry Accumulators { get; } = new();

    /// <summary>Creates and registers a <see cref="Dataflow.Accumulators.LongAccumulator"/>.</summary>
    /// <remarks>Spark: longAccumulator</remarks>
    public LongAccumulator LongAccumulator(string? name = null) => Accumulators.Register(new LongAccumulator(), name);

    /// <summary>Creates and registers a <see cref="Dataflow.Accumulators.DoubleAccumulator"/>.</summary>
    /// <remarks>Spark: doubleAccumulator</remarks>
    public DoubleAccumulator DoubleAccumulator(string? name = null) => Accumulators.Register(new DoubleAccumulator(), name);

    /// <summary>Creates and registers a <see cref="CollectionAccumulator{T}"/>.</summary>
    /// <remarks>Spark: collectionAccumulator</remarks>
    public CollectionAccumulator<T> CollectionAccumulator<T>(string? name = null) => Accumulators.Register(new CollectionAccumulator<T>(), name);

    /// <summary>Registers a user-defined accumulator so that tasks' additions reach it.</summary>
    /// <remarks>Spark: register</remarks>
    public TAccumulator Register<TAccumulator>(TAccumulator accumulator, string? name = null) where TAccumulator : Accumulator =>
        Accumulators.Register(accumulator, name);

    /// <summary>
    /// Ships a read-only value to each executor once, for tasks to read through <see cref="Broadcast{T}.Value"/>
    /// instead of capturing it in every closure.
    /// </summary>
    /// <remarks>Spark: broadcast</remarks>
    public Broadcast<T> Broadcast<T>(T value, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var broadcast = new Broadcast<T>(Interlocked.Increment(ref _nextBroadcastId), value, this, new CallSite(nameof(Broadcast), callerFile, callerLine));
        _broadcastValues[broadcast.Id] = value;
        Cleaner.RegisterBroadcast(broadcast);
        return broadcast;
    }

    /// <summary>How many broadcasts the driver holds a value of (for tests: destroyed ones are gone).</summary>
    internal int BroadcastValueCount => _broadcastValues.Count;

    /// <summary>The value of a live broadcast, which cluster workers fetch from the driver at its first use.</summary>
    internal bool TryGetBroadcastValue(long id, out object? value) => _broadcastValues.TryGetValue(id, out value);

    /// <summary>Drops the executors' copies of a broadcast; a destroyed one's value is forgotten too.</summary>
    internal Task UnpersistBroadcastAsync(long id, bool destroyed)
    {
        if (destroyed)
        {
            _broadcastValues.TryRemove(id, out _);
            Cleaner.ForgetBroadcast(id);
        }

        Environment.Broadcasts.Remove(id);
        return (_backend as Scheduling.Backends.IExecutorCleanup)?.RemoveBroadcastAsync(id, destroyed) ?? Task.CompletedTask;
    }

    /// <summary>
    /// Tags the jobs started from now on by this thread (and the async flow it starts) with a group, so they can be
    /// cancelled together with <see cref="CancelJobGroupAsync"/>.
    /// </summary>
    /// <remarks>Spark: setJobGroup</remarks>
    public void SetJobGroup(string groupId, string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        _jobGroup.Value = groupId;
        JobGroupDescription = description;
    }

    /// <summary>Stops tagging this thread's jobs with a group.</summary>
    /// <remarks>Spark: clearJobGroup</remarks>
    public void ClearJobGroup() => _jobGroup.Value = null;

    /// <summary>Cancels the running jobs of a group; jobs of other groups go on, even where they share a stage.</summary>
    /// <remarks>Spark: cancelJobGroup</remarks>
    public Task CancelJobGroupAsync(string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        return Scheduler.CancelJobGroupAsync(groupId);
    }

    /// <summary>The description given with the last <see cref="SetJobGroup"/>.</summary>
    public string? JobGroupDescription { get; private set; }

    internal string? CurrentJobGroup => _jobGroup.Value;
}
