using Dataflow.Dependencies;
using Dataflow.Execution;

namespace Dataflow.Rdds;

/// <summary>The partitions of several RDDs, one after another (no shuffle, duplicates kept).</summary>
internal sealed class UnionRdd<T> : Rdd<T>
{
    private Rdd<T>[] _parents;

    public UnionRdd(DataflowContext context, Rdd<T>[] parents, CallSite callSite)
        : base(context, Ranges(parents), callSite) => _parents = parents;

    private protected override IReadOnlyList<string> PreferredLocationsCore(Partition partition)
    {
        var union = (UnionPartition)partition;
        return _parents[union.ParentIndex].GetPreferredLocations(union.ParentPartition);
    }

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _parents = null!;
    }

    protected override Partition[] GetPartitions()
    {
        var partitions = new List<Partition>();
        for (var p = 0; p < _parents.Length; p++)
        {
            foreach (var parentPartition in _parents[p].Partitions)
            {
                partitions.Add(new UnionPartition(partitions.Count, p, parentPartition));
            }
        }

        return [.. partitions];
    }

    protected internal override IEnumerable<T> Compute(Partition split, TaskContext context)
    {
        var union = (UnionPartition)split;
        return _parents[union.ParentIndex].Iterator(union.ParentPartition, context);
    }

    private static Dependency[] Ranges(Rdd<T>[] parents)
    {
        var dependencies = new Dependency[parents.Length];
        var offset = 0;
        for (var i = 0; i < parents.Length; i++)
        {
            dependencies[i] = new RangeDependency(parents[i], 0, offset, parents[i].NumPartitions);
            offset += parents[i].NumPartitions;
        }

        return dependencies;
    }

    private sealed class UnionPartition(int index, int parentIndex, Partition parentPartition) : Partition(index)
    {
        public int ParentIndex { get; } = parentIndex;

        public Partition ParentPartition { get; } = parentPartition;
    }
}
