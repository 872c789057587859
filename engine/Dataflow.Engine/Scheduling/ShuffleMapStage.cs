using Dataflow.Dependencies;
using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>Writes the shuffle output of one <see cref="ShuffleDependency"/>; shared by every job that reads it.</summary>
internal sealed class ShuffleMapStage(int id, ShuffleDependency dependency, IReadOnlyList<ShuffleMapStage> parents)
    : Stage(id, dependency.Rdd, parents, dependency.Rdd.CallSite)
{
    public ShuffleDependency Dependency { get; } = dependency;

    public override StageTask CreateTask(int partition) =>
        new ShuffleMapTask(Dependency, Rdd.Partitions[partition], CallSite);
}
