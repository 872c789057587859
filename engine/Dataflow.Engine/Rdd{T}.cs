using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Storage;

namespace Dataflow;

/// <summary>
/// A resilient distributed dataset of <typeparamref name="T"/>: an immutable, partitioned, lazily computed
/// collection. Build it with the operators of <see cref="Rdd"/> (<c>Select</c>, <c>Where</c>, <c>ReduceByKey</c>,
/// ...) and run it with an action (<c>ToListAsync</c>, <c>CountAsync</c>, ...). It deliberately does not implement
/// <see cref="IEnumerable{T}"/>, so a missing overload can never silently fall back to LINQ-to-Objects on the driver.
/// </summary>
/// <example><code>
/// var counts = ctx.TextFile("book.txt")
///     .SelectMany(line => line.Split(' '))
///     .Select(word => (word, 1))
///     .ReduceByKey((a, b) => a + b);
/// var top = await counts.TakeAsync(10);
/// </code></example>
/// <remarks>Spark: RDD</remarks>
public abstract class Rdd<T> : RddBase
{
    /// <summary>Creates an RDD with the given dependencies.</summary>
    private protected Rdd(DataflowContext context, IReadOnlyList<Dependency> dependencies, CallSite callSite)
        : base(context, dependencies, callSite)
    {
    }

    /// <summary>Creates an RDD with a one-to-one dependency on <paramref name="parent"/>.</summary>
    private protected Rdd(RddBase parent, CallSite callSite)
        : base(parent.Context, [new OneToOneDependency(parent)], callSite)
    {
    }

    /// <inheritdoc />
    public sealed override Type ElementType => typeof(T);

    /// <summary>
    /// The records of one partition. Runs inside a task; reads cached blocks when the RDD is persisted, its checkpoint
    /// when it is checkpointed, otherwise computes the partition from its parents.
    /// </summary>
    public IEnumerable<T> Iterator(Partition split, TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(context);
        var checkpoint = Checkpoint;
        var block = new RddBlockId(Id, split.Index);
        if (checkpoint?.Kind == Checkpointing.CheckpointKind.Local)
        {
            // The executors' blocks are the only copy: there is no lineage left to recompute a lost one from.
            return context.Environment.BlockManager.GetOrCompute<T>(block, StorageLevel.MemoryAndDisk,
                () => throw Checkpointing.Checkpoints.LocalPartitionLost(this, split.Index, context), context);
        }

        if (checkpoint is { Kind: Checkpointing.CheckpointKind.Reliable, Directory: { } directory })
        {
            return StorageLevel.IsNone
                ? Checkpointing.CheckpointFiles.Read<T>(this, directory, split.Index, context)
                : context.Environment.BlockManager.GetOrCompute(block, StorageLevel,
                    () => Checkpointing.CheckpointFiles.Read<T>(this, directory, split.Index, context), context);
        }

        return StorageLevel.IsNone
            ? Compute(split, context)
            : context.Environment.BlockManager.GetOrCompute(block, StorageLevel, () => Compute(split, context), context);
    }

    internal sealed override Task TakeCheckpointAsync(CancellationToken cancellationToken) => Rdd.TakeCheckpointAsync(this, cancellationToken);

    /// <summary>Computes the records of one partition from the parents' iterators (pull-based, lazy).</summary>
    protected internal abstract IEnumerable<T> Compute(Partition split, TaskContext context);
}
