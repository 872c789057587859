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
    /// The records of one partition. Runs inside a task; reads cached blocks when the RDD is persisted, otherwise
    /// computes the partition from its parents.
    /// </summary>
    public IEnumerable<T> Iterator(Partition split, TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(context);
        return StorageLevel.IsNone
            ? Compute(split, context)
            : context.Environment.BlockManager.GetOrCompute(new RddBlockId(Id, split.Index), StorageLevel, () => Compute(split, context), context);
    }

    /// <summary>Computes the records of one partition from the parents' iterators (pull-based, lazy).</summary>
    protected internal abstract IEnumerable<T> Compute(Partition split, TaskContext context);
}
