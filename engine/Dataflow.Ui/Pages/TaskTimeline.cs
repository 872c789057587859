using System.Globalization;
using System.Text;
using Dataflow.Ui.Model;

namespace Dataflow.Ui.Pages;

/// <summary>
/// A stage's tasks on a time axis as SVG: one bar per attempt from launch to end (a running one to now), in lanes per
/// executor so that tasks overlapping in time sit on separate rows; the bar's colour is its status.
/// </summary>
internal static class TaskTimeline
{
    private const int Width = 900;
    private const int LabelWidth = 110;
    private const int LaneHeight = 16;

    public static string Render(IReadOnlyCollection<TaskModel> tasks, DateTimeOffset now)
    {
        if (tasks.Count == 0)
        {
            return "<p>No tasks have started.</p>";
        }

        var start = tasks.Min(t => t.LaunchTime);
        var end = tasks.Max(t => t.FinishTime ?? now);
        var span = Math.Max((end - start).TotalMilliseconds, 1);
        var lanes = new List<(string Executor, DateTimeOffset FreeAt)>();
        var placed = new List<(TaskModel Task, int Lane)>();
        foreach (var task in tasks.OrderBy(t => t.LaunchTime).ThenBy(t => t.TaskId))
        {
            var finish = task.FinishTime ?? now;
            var lane = lanes.FindIndex(l => l.Executor == task.ExecutorId && l.FreeAt <= task.LaunchTime);
            if (lane < 0)
            {
                lanes.Add((task.ExecutorId, finish));
                lane = lanes.Count - 1;
            }
            else
            {
                lanes[lane] = (task.ExecutorId, finish);
            }

            placed.Add((task, lane));
        }

        var height = (lanes.Count * LaneHeight) + 30;
        var svg = new StringBuilder(Invariant($"""<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{Width + LabelWidth}" height="{height}">"""));
        for (var i = 0; i < lanes.Count; i++)
        {
            svg.Append(Invariant($"""<text x="2" y="{(i * LaneHeight) + 12}" font-size="10">{Html.E(lanes[i].Executor.Length == 0 ? "(not run)" : lanes[i].Executor)}</text>"""));
        }

        foreach (var (task, lane) in placed)
        {
            var x = LabelWidth + ((task.LaunchTime - start).TotalMilliseconds / span * Width);
            var w = Math.Max(((task.FinishTime ?? now) - task.LaunchTime).TotalMilliseconds / span * Width, 1.5);
            var colour = task.Status switch { "SUCCESS" => "#5a9e6f", "FAILED" => "#d9534f", "RUNNING" => "#5b8fd9", _ => "#aaa" };
            svg.Append(Invariant($"""<rect class="task" data-task-id="{task.TaskId}" x="{x:0.##}" y="{(lane * LaneHeight) + 2}" width="{w:0.##}" height="{LaneHeight - 4}" fill="{colour}"><title>task {task.TaskId}, partition {task.Partition}, attempt {task.Attempt}: {task.Status}, {Html.Duration(task.Duration)}</title></rect>"""));
        }

        svg.Append(Invariant($"""<text x="{LabelWidth}" y="{height - 8}" font-size="10">0</text><text x="{LabelWidth + Width - 60}" y="{height - 8}" font-size="10">{Html.Duration(span)}</text>"""));
        return svg.Append("</svg>").ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
