using Dataflow.Dependencies;
using Dataflow.Storage;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>
    /// Where a partition of <paramref name="rdd"/> is cheapest to compute: the executor holding it (or, following
    /// narrow dependencies, the nearest ancestor partition) in its block store, else the RDD's own preferred
    /// locations (input splits). Walked with a stack, not recursion.
    /// </summary>
    internal IReadOnlyList<string> PreferredLocations(RddBase rdd, int partition)
    {
        var visited = new HashSet<(int, int)>();
        var stack = new Stack<(RddBase Rdd, int Partition)>();
        stack.Push((rdd, partition));
        while (stack.Count > 0)
        {
            var (current, p) = stack.Pop();
            if (!visited.Add((current.Id, p)))
            {
                continue;
            }

            if (IsStored(current, p))
            {
                var block = new RddBlockId(current.Id, p);
                return _context.Environment.BlockManager.Contains(block) ? [_context.Environment.BlockManager.ExecutorId] : _context.BlockLocations.Of(block);
            }

            var own = current.GetPreferredLocations(current.Partitions[p]);
            if (own.Count > 0)
            {
                return own;
            }

            foreach (var dependency in current.Dependencies)
            {
                if (dependency is NarrowDependency narrow)
                {
                    foreach (var parent in narrow.GetParents(p))
                    {
                        stack.Push((narrow.Rdd, parent));
                    }
                }
            }
        }

        return [];
    }

    /// <summary>Whether every partition of a persisted RDD is stored, so its lineage need not run.</summary>
    private bool IsFullyStored(RddBase rdd) =>
        !rdd.StorageLevel.IsNone &&
        (_context.Environment.BlockManager.StoredPartitions(rdd.Id).Count == rdd.NumPartitions || _context.BlockLocations.CountStored(rdd.Id) == rdd.NumPartitions);

    /// <summary>Whether a partition is cached: in the driver's block store (local mode) or, as far as the driver knows, on an executor.</summary>
    private bool IsStored(RddBase rdd, int partition) =>
        !rdd.StorageLevel.IsNone &&
        (_context.Environment.BlockManager.Contains(new RddBlockId(rdd.Id, partition)) || _context.BlockLocations.Contains(new RddBlockId(rdd.Id, partition)));

    /// <summary>
    /// The map stages whose output <paramref name="stage"/> still needs: those reachable through narrow dependencies
    /// from its RDD, not passing through RDDs whose partitions are all stored, with output missing.
    /// </summary>
    private List<ShuffleMapStage> MissingParentStages(Stage stage)
    {
        var missing = new List<ShuffleMapStage>();
        foreach (var rdd in Lineage.Walk(stage.Rdd, acrossShuffles: false, stopAt: IsFullyStored))
        {
            if (IsFullyStored(rdd))
            {
                continue;
            }

            foreach (var shuffle in rdd.Dependencies.OfType<ShuffleDependency>().Where(s => !_mapOutputs.IsAvailable(s.ShuffleId)))
            {
                ShuffleMapStage parent;
                lock (_lock)
                {
                    parent = _shuffleStages[shuffle.ShuffleId];
                }

                if (!missing.Contains(parent))
                {
                    missing.Add(parent);
                }
            }
        }

        return missing;
    }
}
