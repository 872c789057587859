using System.Collections.Concurrent;
using Dataflow.Scheduling;

namespace Dataflow.MLlib.Training;

/// <summary>
/// Keeps, per job, when it was submitted, when its first task started and when each of its stages completed: what a
/// <see cref="PassTiming"/> needs from the scheduler's events. Events arrive on the listener bus's thread, after the
/// fact; <see cref="IterationRecorder"/> flushes the bus before reading them.
/// </summary>
internal sealed class JobTimingListener : IDataflowListener
{
    private readonly ConcurrentDictionary<int, JobTimes> _jobs = new();

    /// <inheritdoc />
    public void OnEvent(DataflowEvent e)
    {
        switch (e)
        {
            case JobStartEvent start:
                _jobs.GetOrAdd(start.JobId, _ => new JobTimes()).Submitted = start.Time;
                break;
            case TaskStartEvent task:
                var times = _jobs.GetOrAdd(task.Task.JobId, _ => new JobTimes());
                times.FirstTaskStarted ??= task.Time;
                break;
            case StageCompletedEvent stage when stage.FailureReason is null:
                _jobs.GetOrAdd(stage.JobId, _ => new JobTimes()).StagesCompleted[stage.Stage.StageId] = stage.Time;
                break;
        }
    }

    /// <summary>The times of <paramref name="jobId"/>, removed from the listener; null when it saw none.</summary>
    public JobTimes? Take(int jobId) => _jobs.TryRemove(jobId, out var times) ? times : null;

    /// <summary>Forgets every job (those of other work the context ran meanwhile).</summary>
    public void Clear() => _jobs.Clear();

    /// <summary>What the events said about one job.</summary>
    internal sealed class JobTimes
    {
        public DateTimeOffset? Submitted { get; set; }

        public DateTimeOffset? FirstTaskStarted { get; set; }

        public ConcurrentDictionary<int, DateTimeOffset> StagesCompleted { get; } = new();
    }
}
