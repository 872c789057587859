using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Dataflow.Scheduling;

namespace Dataflow.Benchmarks;

/// <summary>
/// `mllib-fixed --trace`: the scheduler's events of the last few jobs, as milliseconds from each job's start, so that
/// the gaps between a task's launch, its run on the executor and its end on the driver show where a pass's time goes.
/// </summary>
internal sealed class JobTimeline : IDataflowListener
{
    private readonly ConcurrentQueue<DataflowEvent> _events = new();

    public void OnEvent(DataflowEvent e)
    {
        if (e is JobStartEvent or JobEndEvent or StageSubmittedEvent or StageCompletedEvent or TaskStartEvent or TaskEndEvent)
        {
            _events.Enqueue(e);
            while (_events.Count > 400 && _events.TryDequeue(out _))
            {
            }
        }
    }

    /// <summary>The last <paramref name="jobs"/> complete jobs, one line per event.</summary>
    public string Format(int jobs)
    {
        var events = _events.ToList();
        var starts = events.OfType<JobStartEvent>().Where(s => events.OfType<JobEndEvent>().Any(e => e.JobId == s.JobId)).TakeLast(jobs).ToList();
        var text = new StringBuilder();
        foreach (var start in starts)
        {
            var origin = start.Time;
            text.AppendLine(CultureInfo.InvariantCulture, $"job {start.JobId}");
            foreach (var e in events.Where(e => JobOf(e) == start.JobId))
            {
                var at = (e.Time - origin).TotalMilliseconds;
                var what = e switch
                {
                    StageSubmittedEvent s => $"stage {s.Stage.StageId} submitted ({s.Stage.NumTasks} tasks)",
                    StageCompletedEvent s => $"stage {s.Stage.StageId} completed",
                    TaskStartEvent t => $"  task {t.Task.TaskId} start  (stage {t.Task.StageId} p{t.Task.PartitionId})",
                    TaskEndEvent t => $"  task {t.Task.TaskId} end    (stage {t.Task.StageId} p{t.Task.PartitionId}) on {Short(t.ExecutorId)}: run {t.Metrics.Duration.TotalMilliseconds:F2} ms, deserialize {t.Metrics.DeserializeTime.TotalMilliseconds:F2} ms",
                    JobEndEvent => "job end",
                    _ => e.GetType().Name,
                };
                text.AppendLine(CultureInfo.InvariantCulture, $"{at,8:F2}  {what}");
            }
        }

        return text.ToString();
    }

    private static int JobOf(DataflowEvent e) => e switch
    {
        JobStartEvent j => j.JobId,
        JobEndEvent j => j.JobId,
        StageSubmittedEvent s => s.JobId,
        StageCompletedEvent s => s.JobId,
        TaskStartEvent t => t.Task.JobId,
        TaskEndEvent t => t.Task.JobId,
        _ => -1,
    };

    private static string Short(string executorId) => executorId.Length > 24 ? executorId[..24] : executorId;
}
