namespace Dataflow.Scheduling;

/// <summary>
/// The task scheduler's view of a backend: a set of executors that can run task attempts. The pool says which
/// executors exist (<see cref="ITaskSchedulerEvents.ExecutorAdded"/>, <see cref="ITaskSchedulerEvents.ExecutorLost"/>),
/// starts and kills attempts where the scheduler says, and reports each launched attempt's end exactly once
/// (<see cref="ITaskSchedulerEvents.TaskEnded"/>). It places nothing and counts no slots: that is the scheduler's job.
/// </summary>
/// <remarks>Spark: SchedulerBackend (as seen by TaskSchedulerImpl)</remarks>
internal interface IExecutorPool
{
    /// <summary>Connects the pool to the scheduler it reports to; called once, before any launch.</summary>
    void Attach(ITaskSchedulerEvents scheduler);

    /// <summary>Starts <paramref name="task"/> on <paramref name="executorId"/>; must not block or report synchronously.</summary>
    void Launch(TaskDescription task, string executorId);

    /// <summary>
    /// Asks the attempt to stop (between records). Its end is still reported, with any outcome; a kill of an attempt
    /// that already ended does nothing. Must not block or report synchronously.
    /// </summary>
    void Kill(long taskId, string executorId, string reason);
}
