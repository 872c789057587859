using System.Globalization;
using System.Text;
using Dataflow.Ui.Model;

namespace Dataflow.Ui.Pages;

/// <summary>
/// A job's stage graph as SVG: one <c>&lt;g data-stage-id&gt;</c> per stage (left to right by depth, parents first)
/// holding a box per RDD it pipelines with the RDD's call site, and one <c>&lt;path data-shuffle-id&gt;</c> edge per
/// shuffle from the map stage that writes it to the stage that reads it.
/// </summary>
/// <remarks>Spark: the DAG visualization of the job page (RDDOperationGraph)</remarks>
internal static class DagSvg
{
    private const int StageWidth = 240;
    private const int ColumnGap = 60;
    private const int RowGap = 24;
    private const int HeaderHeight = 30;
    private const int RddHeight = 42;
    private const int Margin = 10;

    /// <param name="stages">The job's stages, each with its status in this job.</param>
    public static string Render(IReadOnlyList<(StageDescription Stage, string Status)> stages)
    {
        var ids = stages.Select(s => s.Stage.StageId).ToHashSet();
        var levels = Levels(stages.Select(s => s.Stage).ToList(), ids);
        var boxes = new Dictionary<int, (int X, int Y, int Height)>();
        var columnHeights = new Dictionary<int, int>();
        foreach (var (stage, _) in stages.OrderBy(s => levels[s.Stage.StageId]).ThenBy(s => s.Stage.StageId))
        {
            var level = levels[stage.StageId];
            var y = columnHeights.GetValueOrDefault(level, Margin);
            var height = HeaderHeight + (Math.Max(stage.Rdds.Count, 1) * RddHeight) + 8;
            boxes[stage.StageId] = (Margin + (level * (StageWidth + ColumnGap)), y, height);
            columnHeights[level] = y + height + RowGap;
        }

        var width = (Margin * 2) + ((levels.Values.DefaultIfEmpty().Max() + 1) * (StageWidth + ColumnGap)) - ColumnGap;
        var totalHeight = columnHeights.Values.DefaultIfEmpty(Margin).Max() + Margin;
        var svg = new StringBuilder(Invariant($"""<svg id="dag" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{totalHeight}" viewBox="0 0 {width} {totalHeight}">"""));
        svg.Append("""<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>""");
        foreach (var (stage, status) in stages)
        {
            AppendStage(svg, stage, status, boxes[stage.StageId]);
        }

        foreach (var (stage, _) in stages)
        {
            foreach (var parent in stage.ParentStageIds.Where(ids.Contains))
            {
                var from = boxes[parent];
                var to = boxes[stage.StageId];
                var shuffle = stages.First(s => s.Stage.StageId == parent).Stage.ShuffleId;
                double x1 = from.X + StageWidth, y1 = from.Y + (from.Height / 2.0), x2 = to.X, y2 = to.Y + (to.Height / 2.0);
                svg.Append(Invariant($"""<path class="shuffle" data-shuffle-id="{shuffle}" data-from-stage="{parent}" data-to-stage="{stage.StageId}" d="M {x1} {y1} C {x1 + (ColumnGap / 2)} {y1}, {x2 - (ColumnGap / 2)} {y2}, {x2} {y2}" fill="none" stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"><title>shuffle {shuffle}</title></path>"""));
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static void AppendStage(StringBuilder svg, StageDescription stage, string status, (int X, int Y, int Height) box)
    {
        var fill = status switch
        {
            "SKIPPED" or "PENDING" => "#f3f3f3",
            "FAILED" => "#fde8e8",
            "ACTIVE" => "#e8f0fd",
            _ => "#eaf6ec",
        };
        svg.Append(Invariant($"""<g class="stage" data-stage-id="{stage.StageId}" data-status="{status}">"""));
        svg.Append(Invariant($"""<rect x="{box.X}" y="{box.Y}" width="{StageWidth}" height="{box.Height}" rx="6" fill="{fill}" stroke="#8a9bb0" stroke-dasharray="{(status == "SKIPPED" ? "4 3" : "none")}"/>"""));
        svg.Append(Invariant($"""<text x="{box.X + 8}" y="{box.Y + 19}" font-size="13" font-weight="bold">Stage {stage.StageId}{(status == "SKIPPED" ? " (skipped)" : "")}</text>"""));
        var y = box.Y + HeaderHeight;
        foreach (var rdd in stage.Rdds)
        {
            svg.Append(Invariant($"""<g class="rdd" data-rdd-id="{rdd.RddId}"><title>{Html.E(rdd.Label)} ({rdd.NumPartitions} partitions, {Html.E(rdd.StorageLevel)}) at {Html.E(rdd.CallSite)}</title>"""));
            svg.Append(Invariant($"""<rect x="{box.X + 8}" y="{y}" width="{StageWidth - 16}" height="{RddHeight - 6}" rx="4" fill="{(rdd.IsPersisted ? "#fff6d5" : "#fff")}" stroke="#b0bccb"/>"""));
            svg.Append(Invariant($"""<text x="{box.X + 14}" y="{y + 15}" font-size="12">{Html.E(Clip(rdd.Label, 32))}</text>"""));
            svg.Append(Invariant($"""<text class="call-site" x="{box.X + 14}" y="{y + 30}" font-size="10" fill="#555">{Html.E(Clip(rdd.CallSite, 38))}</text></g>"""));
            y += RddHeight;
        }

        if (stage.Rdds.Count == 0)
        {
            svg.Append(Invariant($"""<text x="{box.X + 14}" y="{y + 20}" font-size="11" fill="#555">{Html.E(Clip(stage.Name, 38))}</text>"""));
        }

        svg.Append("</g>");
    }

    /// <summary>Each stage's depth: 0 without parents in the job, else one more than its deepest parent.</summary>
    private static Dictionary<int, int> Levels(List<StageDescription> stages, HashSet<int> ids)
    {
        var byId = stages.ToDictionary(s => s.StageId);
        var levels = new Dictionary<int, int>();
        // Iterative: a stage's level is known once its parents' are; stage graphs are acyclic.
        var pending = new Queue<StageDescription>(stages.OrderBy(s => s.StageId));
        var guard = 0;
        while (pending.Count > 0 && guard++ < stages.Count * stages.Count + 1)
        {
            var stage = pending.Dequeue();
            var parents = stage.ParentStageIds.Where(ids.Contains).ToList();
            if (parents.All(levels.ContainsKey))
            {
                levels[stage.StageId] = parents.Count == 0 ? 0 : parents.Max(p => levels[p]) + 1;
            }
            else
            {
                pending.Enqueue(stage);
            }
        }

        foreach (var stage in byId.Keys.Where(id => !levels.ContainsKey(id)))
        {
            levels[stage] = 0;
        }

        return levels;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
