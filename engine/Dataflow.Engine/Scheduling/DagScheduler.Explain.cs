using System.Globalization;
using System.Text;
using Dataflow.Dependencies;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>The stage plan of an action on <paramref name="rdd"/>, as text (see <see cref="RddBase.Explain"/>).</summary>
    public string Explain(RddBase rdd)
    {
        RddBase.EnsurePartitions(rdd);
        var parents = GetOrCreateParentStages(rdd);
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"== Plan for {rdd} ==");
        text.AppendLine(inv, $"Result stage ({rdd.NumPartitions} partitions)");
        AppendPipeline(text, rdd);
        AppendShuffleReads(text, parents);
        var stages = new List<ShuffleMapStage>();
        var seen = new HashSet<int>();
        var queue = new Queue<ShuffleMapStage>(parents);
        while (queue.Count > 0)
        {
            var stage = queue.Dequeue();
            if (seen.Add(stage.Id))
            {
                stages.Add(stage);
                foreach (var parent in stage.Parents)
                {
                    queue.Enqueue(parent);
                }
            }
        }

        foreach (var stage in stages)
        {
            var skipped = _mapOutputs.IsAvailable(stage.Dependency.ShuffleId) ? " [skipped: shuffle output exists]" : "";
            text.AppendLine(inv, $"Stage {stage.Id}: shuffle map stage writing shuffle {stage.Dependency.ShuffleId} ({stage.Rdd.NumPartitions} partitions -> {stage.Dependency.Partitioner}){skipped}");
            AppendPipeline(text, stage.Rdd);
            AppendShuffleReads(text, stage.Parents);
            if (PartitionSizeSummary(stage.Dependency.ShuffleId) is { } sizes)
            {
                text.AppendLine(inv, $"    {sizes}");
            }
        }

        lock (_lock)
        {
            // A plan runs nothing: the stages it created are not kept for a job that may never come.
            ReleaseStages(stages);
        }

        return text.ToString();
    }

    private static void AppendShuffleReads(StringBuilder text, IReadOnlyList<ShuffleMapStage> parents)
    {
        foreach (var parent in parents)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    <- reads shuffle {parent.Dependency.ShuffleId} from stage {parent.Id}");
        }
    }

    /// <summary>The RDDs pipelined into one stage, from its last RDD back to its shuffle boundaries or sources.</summary>
    private void AppendPipeline(StringBuilder text, RddBase last)
    {
        var visited = new HashSet<int>();
        var stack = new Stack<(RddBase Rdd, int Depth)>();
        stack.Push((last, 0));
        while (stack.Count > 0)
        {
            var (rdd, depth) = stack.Pop();
            if (!visited.Add(rdd.Id))
            {
                continue;
            }

            var partitioner = rdd.Partitioner is { } p ? $" partitioned by {p}" : "";
            if (!rdd.StorageLevel.IsNone)
            {
                partitioner += $" [persisted {rdd.StorageLevel}: {_context.Environment.BlockManager.StoredPartitions(rdd.Id).Count}/{rdd.NumPartitions} partitions stored]";
            }
            partitioner += rdd.Checkpoint switch
            {
                { Kind: Checkpointing.CheckpointKind.Reliable, Directory: var directory } => $" [checkpointed to {directory}]",
                { Kind: Checkpointing.CheckpointKind.Local } => " [locally checkpointed]",
                { IsMaterialized: false } => " [checkpoint pending]",
                _ => "",
            };
            text.Append(' ', 2 + (Math.Min(depth, 20) * 2))
                .AppendLine(CultureInfo.InvariantCulture, $"{rdd} [{rdd.NumPartitions} partitions]{partitioner}");
            for (var i = rdd.Dependencies.Count - 1; i >= 0; i--)
            {
                if (rdd.Dependencies[i] is NarrowDependency narrow)
                {
                    stack.Push((narrow.Rdd, rdd.Dependencies.Count > 1 ? depth + 1 : depth));
                }
            }
        }
    }
}
