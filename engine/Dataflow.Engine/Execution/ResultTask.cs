namespace Dataflow.Execution;

/// <summary>A task of the job's final stage: applies the action's function to one partition.</summary>
internal sealed class ResultTask<T, TResult> : StageTask
{
    private readonly Rdd<T> _rdd;
    private readonly Func<TaskContext, IEnumerable<T>, TResult> _func;

    public ResultTask(Rdd<T> rdd, Partition partition, Func<TaskContext, IEnumerable<T>, TResult> func, CallSite callSite)
        : base(partition, callSite)
    {
        _rdd = rdd;
        _func = func;
    }

    internal override RddBase Rdd => _rdd;

    internal override object? Run(TaskContext context) =>
        _func(context, InterruptibleEnumerable.Wrap(_rdd.Iterator(Partition, context), context.CancellationToken));
}
