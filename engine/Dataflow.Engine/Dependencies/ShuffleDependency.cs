using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Shuffle;

namespace Dataflow.Dependencies;

/// <summary>
/// A wide dependency: every child partition may read every parent partition, so the scheduler cuts the graph here.
/// The parent's records are partitioned by <see cref="Partitioner"/>, optionally combined on the map side, and
/// written by map tasks; the child's partitions read their blocks.
/// </summary>
/// <remarks>Spark: ShuffleDependency</remarks>
public abstract class ShuffleDependency : Dependency
{
    private protected ShuffleDependency(RddBase rdd, Partitioner partitioner, bool mapSideCombine) : base(rdd)
    {
        Partitioner = partitioner;
        MapSideCombine = mapSideCombine;
        ShuffleId = rdd.Context.NewShuffleId();
        rdd.Context.Cleaner.RegisterShuffle(this);
    }

    /// <summary>A number unique within the context; names the shuffle's files and blocks.</summary>
    public int ShuffleId { get; }

    /// <summary>How the parent's keys are assigned to reduce partitions.</summary>
    public Partitioner Partitioner { get; }

    /// <summary>Whether map tasks combine values by key before writing.</summary>
    public bool MapSideCombine { get; }

    /// <summary>Runs the map task of <paramref name="partition"/> through <see cref="ShuffleWriter"/> (the typed dependency knows the record types).</summary>
    internal abstract MapStatus RunMapTask(Partition partition, TaskContext context);
}
