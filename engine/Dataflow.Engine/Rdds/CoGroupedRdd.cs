using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;
using Dataflow.Partitioning;

namespace Dataflow.Rdds;

/// <summary>
/// For each key, the values of every input grouped per input: the primitive under joins and co-groups. Inputs
/// already partitioned by the result's partitioner are read narrowly; the others are shuffled.
/// </summary>
/// <remarks>
/// <para>Bounded memory: each input is sorted by key hash within the task's memory (spilling runs), then keys are
/// taken one at a time (<see cref="HashGrouper"/>); a key's values that outgrow memory spill to a file of their own
/// and are streamed back whenever the group is enumerated. Such a spilled group can be enumerated any number of
/// times, but only while the task runs: consume groups inside the job rather than returning them from an action.</para>
/// <para>Spark: CoGroupedRDD</para>
/// </remarks>
internal sealed class CoGroupedRdd<TKey> : Rdd<(TKey Key, IReadOnlyCollection<object?>[] Groups)>
{
    private CoGroupInput<TKey>[] _inputs;
    private readonly Partitioner _partitioner;

    public CoGroupedRdd(DataflowContext context, CoGroupInput<TKey>[] inputs, Partitioner partitioner, CallSite callSite)
        : base(context, [.. inputs.Select(i => i.CreateDependency(partitioner))], callSite)
    {
        _inputs = inputs;
        _partitioner = partitioner;
    }

    private protected override Partitioner? PartitionerCore => _partitioner;

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _inputs = null!;
    }

    protected override Partition[] GetPartitions() => ShufflePartitions.Create(_partitioner.NumPartitions);

    protected internal override IEnumerable<(TKey Key, IReadOnlyCollection<object?>[] Groups)> Compute(Partition split, TaskContext context)
    {
        var sources = new List<GroupSource<TKey>>(_inputs.Length);
        try
        {
            for (var i = 0; i < _inputs.Length; i++)
            {
                sources.Add(_inputs[i].OpenSorted(Dependencies[i], split, context));
            }
        }
        catch
        {
            sources.ForEach(static s => s.Dispose());
            throw;
        }

        foreach (var entry in HashGrouper.Group(sources))
        {
            yield return (entry.Key, entry.Boxed());
        }
    }
}
