using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Shuffle;

namespace Dataflow.Rdds;

/// <summary>
/// One input of a <see cref="CoGroupedRdd{TKey}"/>, keeping the input's value type: it decides whether the input
/// needs a shuffle (not when it is already partitioned like the result) and reads its records for a partition,
/// sorted by key hash so the co-group can take one key at a time.
/// </summary>
internal abstract class CoGroupInput<TKey>
{
    public abstract RddBase Rdd { get; }

    public abstract Dependency CreateDependency(Partitioner partitioner);

    /// <summary>The records of result partition <paramref name="split"/>, sorted by key hash within the task's memory.</summary>
    public abstract GroupSource<TKey> OpenSorted(Dependency dependency, Partition split, TaskContext context);
}

/// <inheritdoc />
internal sealed class CoGroupInput<TKey, TValue>(Rdd<(TKey Key, TValue Value)> rdd) : CoGroupInput<TKey>
{
    public override RddBase Rdd => rdd;

    public override Dependency CreateDependency(Partitioner partitioner) =>
        partitioner.Equals(rdd.Partitioner)
            ? new OneToOneDependency(rdd)
            : new ShuffleDependency<TKey, TValue, TValue>(rdd, partitioner, aggregator: null, mapSideCombine: false, keyOrdering: null);

    public override GroupSource<TKey> OpenSorted(Dependency dependency, Partition split, TaskContext context)
    {
        var records = dependency is ShuffleDependency shuffle
            ? ShuffleReader.Read<(TKey Key, TValue Value)>(context, shuffle.ShuffleId, split.Index)
            : rdd.Iterator(rdd.Partitions[split.Index], context);
        return GroupSource<TKey, TValue>.Sort(context, records);
    }
}
