using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Scheduling.Backends;
using Dataflow.Shuffle;
using Microsoft.Extensions.Logging;

namespace Dataflow.Scheduling;

/// <summary>
/// Compiles the lineage of an action into stages and runs them. The graph is cut at every
/// <see cref="ShuffleDependency"/>: one <see cref="ShuffleMapStage"/> per shuffle (created once and reused by every
/// later job, so a second action on the same shuffled RDD only runs its result stage) and a <see cref="ResultStage"/>
/// per job. Lineage is always walked with explicit stacks, never recursion, so very deep lineages cannot overflow
/// the stack. Independent parent stages run at the same time.
/// </summary>
/// <remarks>Spark: DAGScheduler</remarks>
internal sealed partial class DagScheduler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, ShuffleMapStage> _shuffleStages = [];
    private readonly DataflowContext _context;
    private readonly ISchedulerBackend _backend;
    private readonly MapOutputTracker _mapOutputs;
    private readonly ListenerBus _bus;
    private readonly int _maxTaskFailures;
    private readonly ILogger _logger;
    private int _nextStageId;
    private int _nextJobId;
    private long _nextTaskId;

    public DagScheduler(DataflowContext context, ISchedulerBackend backend, MapOutputTracker mapOutputs, ListenerBus bus, int maxTaskFailures)
    {
        _context = context;
        _backend = backend;
        _mapOutputs = mapOutputs;
        _bus = bus;
        _maxTaskFailures = maxTaskFailures;
        _logger = context.LoggerFactory.CreateLogger<DagScheduler>();
    }

    /// <summary>The shuffle dependencies reachable from <paramref name="rdd"/> through narrow dependencies only.</summary>
    internal static List<ShuffleDependency> DirectShuffleDependencies(RddBase rdd) =>
        [.. Lineage.Walk(rdd, acrossShuffles: false).SelectMany(r => r.Dependencies.OfType<ShuffleDependency>()).Distinct()];

    /// <summary>The map stages that <paramref name="rdd"/> reads directly, creating them (and their ancestors) as needed.</summary>
    private List<ShuffleMapStage> GetOrCreateParentStages(RddBase rdd)
    {
        var direct = DirectShuffleDependencies(rdd);
        lock (_lock)
        {
            var parentsOf = new Dictionary<int, List<ShuffleDependency>>();
            var stack = new Stack<(ShuffleDependency Dependency, bool Expanded)>();
            foreach (var dependency in direct)
            {
                stack.Push((dependency, false));
            }

            // Iterative post-order: a stage is created after all its parent stages exist.
            while (stack.Count > 0)
            {
                var (dependency, expanded) = stack.Pop();
                if (_shuffleStages.ContainsKey(dependency.ShuffleId))
                {
                    continue;
                }

                if (!parentsOf.TryGetValue(dependency.ShuffleId, out var parents))
                {
                    parents = DirectShuffleDependencies(dependency.Rdd);
                    parentsOf[dependency.ShuffleId] = parents;
                }

                if (!expanded)
                {
                    stack.Push((dependency, true));
                    foreach (var parent in parents.Where(p => !_shuffleStages.ContainsKey(p.ShuffleId)))
                    {
                        stack.Push((parent, false));
                    }

                    continue;
                }

                var stage = NewMapStage(dependency, [.. parents.Select(p => _shuffleStages[p.ShuffleId])]);
                _mapOutputs.RegisterShuffle(dependency.ShuffleId, dependency.Rdd.NumPartitions);
                _shuffleStages.Add(dependency.ShuffleId, stage);
            }

            return [.. direct.Select(d => _shuffleStages[d.ShuffleId])];
        }
    }

    /// <summary>Every map stage above <paramref name="stage"/>, nearest first.</summary>
    private static List<ShuffleMapStage> Ancestors(Stage stage)
    {
        var result = new List<ShuffleMapStage>();
        var seen = new HashSet<int>();
        var queue = new Queue<ShuffleMapStage>(stage.Parents);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!seen.Add(current.Id))
            {
                continue;
            }

            result.Add(current);
            foreach (var parent in current.Parents)
            {
                queue.Enqueue(parent);
            }
        }

        return result;
    }

    /// <summary>Prepares everything in the lineage that must see data first (range partitioners, zip indices).</summary>
    private static async Task PrepareLineageAsync(RddBase rdd, CancellationToken cancellationToken)
    {
        var pending = new List<IRequiresPreparation>();
        foreach (var current in Lineage.Walk(rdd, acrossShuffles: true))
        {
            if (current is IRequiresPreparation { IsPrepared: false } preparedRdd && !pending.Contains(preparedRdd))
            {
                pending.Add(preparedRdd);
            }

            foreach (var dependency in current.Dependencies)
            {
                if (dependency is ShuffleDependency { Partitioner: IRequiresPreparation { IsPrepared: false } prepared } && !pending.Contains(prepared))
                {
                    pending.Add(prepared);
                }
            }
        }

        // Upstream first: a preparation job may itself read something prepared further up.
        for (var i = pending.Count - 1; i >= 0; i--)
        {
            await pending[i].PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
