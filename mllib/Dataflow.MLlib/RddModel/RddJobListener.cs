using System.Collections.Concurrent;
using Dataflow.Scheduling;

namespace Dataflow.MLlib.RddModel;

/// <summary>Per job: submission, first task start, end, and its stages' task time and shuffle bytes and times (from the scheduler's events).</summary>
internal sealed class RddJobListener : IDataflowListener
{
    private readonly ConcurrentDictionary<int, Job> _jobs = new();

    public void OnEvent(DataflowEvent e)
    {
        switch (e)
        {
            case JobStartEvent start:
                _jobs.GetOrAdd(start.JobId, _ => new Job()).Submitted = start.Time;
                break;
            case TaskStartEvent task:
                var job = _jobs.GetOrAdd(task.Task.JobId, _ => new Job());
                lock (job)
                {
                    job.FirstTask ??= task.Time;
                }

                break;
            case StageCompletedEvent stage when stage.FailureReason is null:
                var owner = _jobs.GetOrAdd(stage.JobId, _ => new Job());
                lock (owner)
                {
                    owner.ShuffleWriteBytes += stage.Metrics.ShuffleWriteBytes;
                    owner.ShuffleReadBytes += stage.Metrics.ShuffleReadBytes;
                    owner.TaskTime += stage.Metrics.Duration;
                    owner.ShuffleWriteTime += stage.Metrics.ShuffleWriteTime;
                    owner.ShuffleFetchWaitTime += stage.Metrics.ShuffleFetchWaitTime;
                }

                break;
            case JobEndEvent end:
                _jobs.GetOrAdd(end.JobId, _ => new Job()).Ended = end.Time;
                break;
        }
    }

    /// <summary>The jobs seen so far, removed from the listener.</summary>
    public List<Job> TakeAll()
    {
        var taken = new List<Job>();
        foreach (var id in _jobs.Keys.Order().ToList())
        {
            if (_jobs.TryRemove(id, out var job))
            {
                taken.Add(job);
            }
        }

        return taken;
    }

    internal sealed class Job
    {
        public DateTimeOffset? Submitted { get; set; }

        public DateTimeOffset? FirstTask { get; set; }

        public DateTimeOffset? Ended { get; set; }

        public long ShuffleWriteBytes { get; set; }

        public long ShuffleReadBytes { get; set; }

        public TimeSpan TaskTime { get; set; }

        public TimeSpan ShuffleWriteTime { get; set; }

        public TimeSpan ShuffleFetchWaitTime { get; set; }
    }
}
