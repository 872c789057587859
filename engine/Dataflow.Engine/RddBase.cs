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
        Dependencies = dependencies;
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

    /// <summary>The edges to the parent RDDs.</summary>
    public IReadOnlyList<Dependency> Dependencies { get; }

    /// <summary>How the RDD's key/value records are partitioned, or <c>null</c> when unknown.</summary>
    public virtual Partitioner? Partitioner => null;

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
    public virtual IReadOnlyList<string> GetPreferredLocations(Partition partition) => [];

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
