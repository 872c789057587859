using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>The last stage of a job: applies the action's function to the requested partitions.</summary>
internal sealed class ResultStage(int id, RddBase rdd, IReadOnlyList<ShuffleMapStage> parents, CallSite callSite, Func<int, StageTask> taskFactory)
    : Stage(id, rdd, parents, callSite)
{
    public override StageTask CreateTask(int partition) => taskFactory(partition);
}
