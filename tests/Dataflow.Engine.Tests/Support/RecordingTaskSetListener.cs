using Dataflow.Scheduling;

namespace Dataflow.Tests.Support;

/// <summary>Records what the task scheduler tells a task set's submitter.</summary>
internal sealed class RecordingTaskSetListener : ITaskSetListener
{
    public List<(TaskDescription Task, string ExecutorId)> Started { get; } = [];

    public List<(TaskResult Result, TaskOutcome Outcome)> Ended { get; } = [];

    public List<TaskResult> Succeeded { get; } = [];

    public bool IsFinished { get; private set; }

    public Exception? Failure { get; private set; }

    public int FinishedCalls { get; private set; }

    public void TaskStarted(TaskDescription task, string executorId) => Started.Add((task, executorId));

    public void TaskEnded(TaskResult result, TaskOutcome outcome) => Ended.Add((result, outcome));

    public void PartitionSucceeded(TaskResult result) => Succeeded.Add(result);

    public void Finished(Exception? failure)
    {
        FinishedCalls++;
        IsFinished = true;
        Failure = failure;
    }
}
