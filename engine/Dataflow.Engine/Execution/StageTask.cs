namespace Dataflow.Execution;

/// <summary>
/// The work of one task: compute one partition of a stage's final RDD and either write it to a shuffle
/// (<see cref="ShuffleMapTask"/>) or apply the action's function to it (<see cref="ResultTask{T, TResult}"/>).
/// Named <c>StageTask</c> so it never collides with <see cref="System.Threading.Tasks.Task"/>.
/// </summary>
public abstract class StageTask
{
    private protected StageTask(Partition partition, CallSite callSite)
    {
        Partition = partition;
        CallSite = callSite;
    }

    /// <summary>The partition of the stage's final RDD that the task computes.</summary>
    public Partition Partition { get; private set; }

    /// <summary>The RDD whose partition the task computes: the stage's final RDD (the shuffle's parent for a map task).</summary>
    internal abstract RddBase Rdd { get; }

    /// <summary>
    /// The same task for another partition of <see cref="Rdd"/>. A worker deserialises a stage's task binary once and
    /// derives each of its tasks from it.
    /// </summary>
    internal StageTask ForPartition(int partition)
    {
        var copy = (StageTask)MemberwiseClone();
        copy.Partition = Rdd.Partitions[partition];
        return copy;
    }

    /// <summary>The call site of the stage's final RDD (or the action, for a result stage).</summary>
    public CallSite CallSite { get; }

    /// <summary>Runs the task on the current thread; returns the result sent back to the driver.</summary>
    internal abstract object? Run(TaskContext context);
}
