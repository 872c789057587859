namespace Dataflow.Storage;

/// <summary>
/// The driver's record of which cluster executors hold which cached partitions, learnt from task results (each reports
/// the blocks it stored). Feeds task placement and lets a fully cached RDD cut its lineage out of later jobs, as the
/// driver's own block manager does in local mode. A record may be stale (the worker evicted the block): a task placed
/// there computes the partition again, so staleness costs time, never correctness.
/// </summary>
/// <remarks>Spark: BlockManagerMaster</remarks>
internal sealed class BlockLocations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<RddBlockId, HashSet<string>> _locations = [];

    public void Add(RddBlockId block, string executorId)
    {
        lock (_lock)
        {
            if (!_locations.TryGetValue(block, out var executors))
            {
                _locations[block] = executors = new HashSet<string>(StringComparer.Ordinal);
            }

            executors.Add(executorId);
        }
    }

    /// <summary>The executors holding the block, or none.</summary>
    public IReadOnlyList<string> Of(RddBlockId block)
    {
        lock (_lock)
        {
            return _locations.TryGetValue(block, out var executors) ? [.. executors.Order(StringComparer.Ordinal)] : [];
        }
    }

    public bool Contains(RddBlockId block)
    {
        lock (_lock)
        {
            return _locations.ContainsKey(block);
        }
    }

    public int CountStored(int rddId)
    {
        lock (_lock)
        {
            return _locations.Keys.Count(b => b.RddId == rddId);
        }
    }

    public void RemoveRdd(int rddId)
    {
        lock (_lock)
        {
            foreach (var block in _locations.Keys.Where(b => b.RddId == rddId).ToList())
            {
                _locations.Remove(block);
            }
        }
    }

    /// <summary>Forgets an executor that left the cluster.</summary>
    public void RemoveExecutor(string executorId)
    {
        lock (_lock)
        {
            foreach (var (block, executors) in _locations.ToList())
            {
                if (executors.Remove(executorId) && executors.Count == 0)
                {
                    _locations.Remove(block);
                }
            }
        }
    }
}
