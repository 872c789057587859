using Dataflow.Dependencies;

namespace Dataflow.Execution;

/// <summary>A task of a map stage: computes one partition of the dependency's RDD and writes it to the shuffle.</summary>
internal sealed class ShuffleMapTask : StageTask
{
    private readonly ShuffleDependency _dependency;

    public ShuffleMapTask(ShuffleDependency dependency, Partition partition, CallSite callSite)
        : base(partition, callSite) => _dependency = dependency;

    internal ShuffleDependency Dependency => _dependency;

    internal override RddBase Rdd => _dependency.Rdd;

    internal override object? Run(TaskContext context) => _dependency.RunMapTask(Partition, context);
}
