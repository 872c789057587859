using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;

namespace Dataflow.Rdds;

/// <summary>
/// For each key, the values of every input grouped per input: the primitive under joins and co-groups. Inputs
/// already partitioned by the result's partitioner are read narrowly; the others are shuffled.
/// </summary>
/// <remarks>Spark: CoGroupedRDD</remarks>
internal sealed class CoGroupedRdd<TKey> : Rdd<(TKey Key, List<object?>[] Groups)>
{
    private readonly CoGroupInput<TKey>[] _inputs;
    private readonly Partitioner _partitioner;

    public CoGroupedRdd(DataflowContext context, CoGroupInput<TKey>[] inputs, Partitioner partitioner, CallSite callSite)
        : base(context, [.. inputs.Select(i => i.CreateDependency(partitioner))], callSite)
    {
        _inputs = inputs;
        _partitioner = partitioner;
    }

    public override Partitioner Partitioner => _partitioner;

    protected override Partition[] GetPartitions() => ShufflePartitions.Create(_partitioner.NumPartitions);

    protected internal override IEnumerable<(TKey Key, List<object?>[] Groups)> Compute(Partition split, TaskContext context)
    {
        var groups = new CombineMap<TKey, List<object?>[]>();
        var count = _inputs.Length;
        for (var i = 0; i < count; i++)
        {
            var input = i;
            _inputs[i].Read(Dependencies[i], split, context, (key, value) =>
                groups.GetOrAdd(key, () => NewGroups(count))[input].Add(value));
        }

        return groups.Entries();
    }

    private static List<object?>[] NewGroups(int count)
    {
        var lists = new List<object?>[count];
        for (var i = 0; i < count; i++)
        {
            lists[i] = [];
        }

        return lists;
    }
}
