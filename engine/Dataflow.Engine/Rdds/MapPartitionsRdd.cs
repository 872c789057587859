using Dataflow.Execution;
using Dataflow.Partitioning;

namespace Dataflow.Rdds;

/// <summary>
/// Applies a function to each parent partition's iterator. Every narrow per-record operator (<c>Select</c>,
/// <c>Where</c>, <c>SelectMany</c>, ...) is one of these; chains of them are pipelined in one task with no
/// materialisation between them.
/// </summary>
internal sealed class MapPartitionsRdd<T, TResult> : Rdd<TResult>
{
    private Rdd<T> _parent;
    private readonly Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> _func;
    private readonly bool _preservesPartitioning;
    private readonly bool _isBarrier;

    public MapPartitionsRdd(
        Rdd<T> parent,
        Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> func,
        bool preservesPartitioning,
        CallSite callSite,
        bool isBarrier = false)
        : base(parent, callSite)
    {
        _parent = parent;
        _func = func;
        _preservesPartitioning = preservesPartitioning;
        _isBarrier = isBarrier;
    }

    internal override bool IsBarrier => _isBarrier;

    private protected override Partitioner? PartitionerCore => _preservesPartitioning ? _parent.Partitioner : null;

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _parent = null!;
    }

    protected override Partition[] GetPartitions() => [.. _parent.Partitions];

    protected internal override IEnumerable<TResult> Compute(Partition split, TaskContext context) =>
        _func(context, split.Index, _parent.Iterator(split, context));
}
