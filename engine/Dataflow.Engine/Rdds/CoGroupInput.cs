using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Shuffle;

namespace Dataflow.Rdds;

/// <summary>
/// One input of a <see cref="CoGroupedRdd{TKey}"/>, keeping the input's value type: it decides whether the input
/// needs a shuffle (not when it is already partitioned like the result) and reads its records for a partition.
/// </summary>
internal abstract class CoGroupInput<TKey>
{
    public abstract RddBase Rdd { get; }

    public abstract Dependency CreateDependency(Partitioner partitioner);

    /// <summary>Adds the records of result partition <paramref name="split"/> to <paramref name="sink"/>.</summary>
    public abstract void Read(Dependency dependency, Partition split, TaskContext context, Action<TKey, object?> sink);
}

/// <inheritdoc />
internal sealed class CoGroupInput<TKey, TValue>(Rdd<(TKey Key, TValue Value)> rdd) : CoGroupInput<TKey>
{
    public override RddBase Rdd => rdd;

    public override Dependency CreateDependency(Partitioner partitioner) =>
        partitioner.Equals(rdd.Partitioner)
            ? new OneToOneDependency(rdd)
            : new ShuffleDependency<TKey, TValue, TValue>(rdd, partitioner, aggregator: null, mapSideCombine: false, keyOrdering: null);

    public override void Read(Dependency dependency, Partition split, TaskContext context, Action<TKey, object?> sink)
    {
        var records = dependency is ShuffleDependency shuffle
            ? ShuffleReader.Read<(TKey Key, TValue Value)>(context, shuffle.ShuffleId, split.Index)
            : rdd.Iterator(rdd.Partitions[split.Index], context);
        foreach (var (key, value) in records)
        {
            sink(key, value);
        }
    }
}
