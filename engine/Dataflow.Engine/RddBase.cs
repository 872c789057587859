using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Storage;

namespace Dataflow;

/// <summary>
/// The untyped part of a resilient distributed dataset. An RDD is five things and nothing else: its
/// <see cref="Partitions"/>, its <see cref="Dependencies"/> on parent RDDs, a compute function for one partition
/// (<see cref="Rdd{T}.Compute"/>), an optional <see cref="Partitioner"/> for key/value RDDs, and preferred locations
/// per partition (<see cref="GetPreferredLocations"/>). RDDs are immutable and lazy: building one runs nothing;
/// an action compiles the lineage into stages and runs them.
/// </summary>
/// <remarks>Spark: RDD</remarks>
public abstract class RddBase
{
    private readonly Lock _partitionsLock = new();
    private Partition[]? _partitions;
    private IReadOnlyList<Dependency> _dependencies;
    // Travels with the RDD to workers: a task there reads a checkpointed RDD's files or blocks instead of its lineage.
    private Checkpointing.CheckpointState? _checkpoint;

    private protected RddBase(DataflowContext context, IReadOnlyList<Dependency> dependencies, CallSite callSite)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var dependency in dependencies)
        {
            if (!ReferenceEquals(dependency.Rdd.Context, context))
            {
                throw new ArgumentException(
                    $"{callSite}: RDD {dependency.Rdd.Id} belongs to another DataflowContext; RDDs of different contexts cannot be combined.");
            }
        }

        Context = context;
        _dependencies = dependencies;
        CallSite = callSite;
        Id = context.NewRddId();
    }

    /// <summary>A number unique within the context.</summary>
    public int Id { get; }

    /// <summary>The context that created the RDD.</summary>
    public DataflowContext Context { get; }

    /// <summary>The user call that created the RDD.</summary>
    public CallSite CallSite { get; }

    /// <summary>An optional name shown in <see cref="Explain"/> and events.</summary>
    public string? Name { get; set; }

    /// <summary>How computed partitions are kept for reuse (<see cref="StorageLevel.None"/> unless persisted).</summary>
    public StorageLevel StorageLevel { get; internal set; } = StorageLevel.None;

    /// <summary>The edges to the parent RDDs; none once the RDD is checkpointed (its lineage is cut).</summary>
    public IReadOnlyList<Dependency> Dependencies => Volatile.Read(ref _dependencies);

    /// <summary>
    /// How the RDD's key/value records are partitioned, or <c>null</c> when unknown. A checkpointed RDD keeps the
    /// partitioner it had, so joins with co-partitioned RDDs still need no shuffle.
    /// </summary>
    public Partitioner? Partitioner => Volatile.Read(ref _checkpoint) is { IsMaterialized: true } checkpoint ? checkpoint.Partitioner : PartitionerCore;

    /// <summary>
    /// Whether the RDD has been checkpointed (<see cref="Rdd.Checkpoint{T}"/> or <see cref="Rdd.LocalCheckpoint{T}"/>)
    /// and its lineage cut: marked, and an action has computed it since.
    /// </summary>
    /// <remarks>Spark: isCheckpointed</remarks>
    public bool IsCheckpointed => Volatile.Read(ref _checkpoint) is { IsMaterialized: true };

    /// <summary>The checkpoint of the RDD: requested, or done; <c>null</c> when none was asked for.</summary>
    internal Checkpointing.CheckpointState? Checkpoint => Volatile.Read(ref _checkpoint);

    /// <summary>The partitioner the RDD's lineage gives it (what <see cref="Partitioner"/> is until a checkpoint).</summary>
    private protected virtual Partitioner? PartitionerCore => null;

    /// <summary>The RDD's partitions, computed once on the driver.</summary>
    public IReadOnlyList<Partition> Partitions
    {
        get
        {
            if (_partitions is { } computed)
            {
                return computed;
            }

            lock (_partitionsLock)
            {
                if (_partitions is null)
                {
                    var partitions = GetPartitions();
                    for (var i = 0; i < partitions.Length; i++)
                    {
                        if (partitions[i].Index != i)
                        {
                            throw new InvalidOperationException($"{CallSite}: partition {i} of RDD {Id} reports index {partitions[i].Index}.");
                        }
                    }

                    _partitions = partitions;
                }

                return _partitions;
            }
        }
    }

    /// <summary>The number of partitions.</summary>
    public int NumPartitions => Partitions.Count;

    /// <summary>The element type of the records.</summary>
    public abstract Type ElementType { get; }

    /// <summary>Hosts where <paramref name="partition"/> is cheapest to compute (cached blocks, input splits).</summary>
    public IReadOnlyList<string> GetPreferredLocations(Partition partition) =>
        Volatile.Read(ref _checkpoint) is { IsMaterialized: true } ? [] : PreferredLocationsCore(partition);

    /// <summary>The preferred locations the RDD's lineage gives a partition (none once checkpointed).</summary>
    private protected virtual IReadOnlyList<string> PreferredLocationsCore(Partition partition) => [];

    /// <summary>
    /// Forgets the fields that reach the parent RDDs, once a checkpoint has cut the lineage: nothing computes the RDD
    /// from them any more, and holding them would keep every ancestor (and its shuffles) alive.
    /// </summary>
    /// <remarks>Spark: clearDependencies</remarks>
    private protected virtual void ClearDependencies()
    {
    }

    /// <summary>Takes the requested checkpoint: writes the files or keeps the blocks, then cuts the lineage.</summary>
    internal abstract Task TakeCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Records a requested checkpoint (not yet written), or replaces one.</summary>
    internal void SetCheckpoint(Checkpointing.CheckpointState state) => Volatile.Write(ref _checkpoint, state);

    /// <summary>
    /// Makes a written checkpoint the RDD's data: from now on tasks read it, the RDD has no dependencies, and the
    /// fields reaching its parents are dropped. The partitions are kept (computed before).
    /// </summary>
    internal void CompleteCheckpoint(Checkpointing.CheckpointState done)
    {
        _ = Partitions;
        Volatile.Write(ref _checkpoint, done);
        Volatile.Write(ref _dependencies, []);
        ClearDependencies();
    }

    /// <summary>Whether the RDD's partitions are computed by tasks launched all together (a barrier stage).</summary>
    internal virtual bool IsBarrier => false;

    /// <summary>
    /// The stage plan an action on this RDD would run: stages split at shuffle boundaries, the RDDs pipelined in each
    /// with their call sites and partition counts, and the stages that would be skipped because their shuffle output
    /// already exists.
    /// </summary>
    public string Explain() => Context.Scheduler.Explain(this);

    /// <summary>
    /// Computes the partitions of <paramref name="rdd"/> and all its ancestors, deepest first, so that a lineage of
    /// thousands of RDDs never recurses through <see cref="Partitions"/>.
    /// </summary>
    internal static void EnsurePartitions(RddBase rdd)
    {
        var order = Lineage.Walk(rdd, acrossShuffles: true, stopAt: r => r._partitions is not null).ToList();
        for (var i = order.Count - 1; i >= 0; i--)
        {
            _ = order[i].Partitions;
        }
    }

    /// <summary>Computes the partitions; called once.</summary>
    protected abstract Partition[] GetPartitions();

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name.Split('`')[0]}[{Id}] {Name ?? CallSite.ToString()}";
}
