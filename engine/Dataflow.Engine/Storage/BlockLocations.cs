namespace Dataflow.Storage;

/// <summary>
/// The driver's record of which cluster executors hold which cached partitions, learnt from task results (each reports
/// the blocks it stored). Feeds task placement and lets a fully cached RDD cut its lineage out of later jobs, as the
/// driver's own block manager does in local mode. A record may be stale (the worker evicted the block): a task placed
/// there computes the partition again, so staleness costs time, never correctness. Kept per RDD, as the scheduler
/// asks per RDD (is it fully stored?) on every lineage walk.
/// </summary>
/// <remarks>Spark: BlockManagerMaster</remarks>
internal sealed class BlockLocations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Dictionary<int, HashSet<string>>> _byRdd = [];

    public void Add(RddBlockId block, string executorId)
    {
        lock (_lock)
        {
            if (!_byRdd.TryGetValue(block.RddId, out var partitions))
            {
                _byRdd[block.RddId] = partitions = [];
            }

            if (!partitions.TryGetValue(block.Partition, out var executors))
            {
                partitions[block.Partition] = executors = new HashSet<string>(StringComparer.Ordinal);
            }

            executors.Add(executorId);
        }
    }

    /// <summary>The executors holding the block, or none.</summary>
    public IReadOnlyList<string> Of(RddBlockId block)
    {
        lock (_lock)
        {
            return _byRdd.TryGetValue(block.RddId, out var partitions) && partitions.TryGetValue(block.Partition, out var executors)
                ? [.. executors.Order(StringComparer.Ordinal)]
                : [];
        }
    }

    /// <summary>Every known location of an RDD's blocks.</summary>
    public IReadOnlyList<(RddBlockId Block, string ExecutorId)> OfRdd(int rddId)
    {
        lock (_lock)
        {
            return _byRdd.TryGetValue(rddId, out var partitions)
                ? [.. partitions.SelectMany(p => p.Value.Select(e => (new RddBlockId(rddId, p.Key), e)))]
                : [];
        }
    }

    public bool Contains(RddBlockId block)
    {
        lock (_lock)
        {
            return _byRdd.TryGetValue(block.RddId, out var partitions) && partitions.ContainsKey(block.Partition);
        }
    }

    public int CountStored(int rddId)
    {
        lock (_lock)
        {
            return _byRdd.TryGetValue(rddId, out var partitions) ? partitions.Count : 0;
        }
    }

    public void RemoveRdd(int rddId)
    {
        lock (_lock)
        {
            _byRdd.Remove(rddId);
        }
    }

    /// <summary>Forgets an executor that left the cluster.</summary>
    public void RemoveExecutor(string executorId)
    {
        lock (_lock)
        {
            foreach (var partitions in _byRdd.Values)
            {
                foreach (var (partition, executors) in partitions.ToList())
                {
                    if (executors.Remove(executorId) && executors.Count == 0)
                    {
                        partitions.Remove(partition);
                    }
                }
            }
        }
    }
}
