using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;

namespace Dataflow.Rdds;

/// <summary>
/// Partition <c>i</c> is a function of partition <c>i</c> of each of two RDDs with the same number of partitions,
/// read in the same task (<c>Zip</c>, <c>ZipPartitions</c>).
/// </summary>
/// <remarks>Spark: ZippedPartitionsRDD2</remarks>
internal sealed class ZippedPartitionsRdd<TFirst, TSecond, TResult> : Rdd<TResult>
{
    private Rdd<TFirst> _first;
    private Rdd<TSecond> _second;
    private readonly Func<TaskContext, int, IEnumerable<TFirst>, IEnumerable<TSecond>, IEnumerable<TResult>> _func;
    private readonly bool _preservesPartitioning;

    public ZippedPartitionsRdd(
        Rdd<TFirst> first,
        Rdd<TSecond> second,
        Func<TaskContext, int, IEnumerable<TFirst>, IEnumerable<TSecond>, IEnumerable<TResult>> func,
        bool preservesPartitioning,
        CallSite callSite)
        : base(first.Context, [new OneToOneDependency(first), new OneToOneDependency(second)], callSite)
    {
        if (first.NumPartitions != second.NumPartitions)
        {
            throw new ArgumentException(
                $"{callSite}: the RDDs have different numbers of partitions: {first.NumPartitions} (RDD {first.Id}) and {second.NumPartitions} " +
                $"(RDD {second.Id}); {callSite.Operation} pairs partition i with partition i. Coalesce or Repartition one of them first.",
                nameof(second));
        }

        _first = first;
        _second = second;
        _func = func;
        _preservesPartitioning = preservesPartitioning;
    }

    private protected override Partitioner? PartitionerCore => _preservesPartitioning ? _first.Partitioner : null;

    /// <summary>Where both parents' partitions live if there is such a place, else where either does.</summary>
    private protected override IReadOnlyList<string> PreferredLocationsCore(Partition partition)
    {
        var first = _first.GetPreferredLocations(_first.Partitions[partition.Index]);
        var second = _second.GetPreferredLocations(_second.Partitions[partition.Index]);
        var both = first.Intersect(second, StringComparer.Ordinal).ToList();
        return both.Count > 0 ? both : [.. first.Union(second, StringComparer.Ordinal)];
    }

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _first = null!;
        _second = null!;
    }

    protected override Partition[] GetPartitions() => ShufflePartitions.Create(_first.NumPartitions);

    protected internal override IEnumerable<TResult> Compute(Partition split, TaskContext context) =>
        _func(context, split.Index, _first.Iterator(_first.Partitions[split.Index], context), _second.Iterator(_second.Partitions[split.Index], context));
}
