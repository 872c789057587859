namespace Dataflow.Shuffle;

/// <summary>
/// The driver's registry of map outputs per shuffle: which map partitions have output, and where. A shuffle map stage
/// is complete when every map partition has a status; the DAG scheduler skips complete stages.
/// Thread-safe: tasks of several jobs complete concurrently.
/// </summary>
internal sealed class MapOutputTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, MapStatus?[]> _outputs = [];

    public void RegisterShuffle(int shuffleId, int numMaps)
    {
        lock (_lock)
        {
            _outputs.TryAdd(shuffleId, new MapStatus?[numMaps]);
        }
    }

    /// <summary>Every map output of a shuffle as the driver knows them (<c>null</c> where missing), for shipping to workers.</summary>
    public MapStatus?[] Snapshot(int shuffleId)
    {
        lock (_lock)
        {
            return _outputs.TryGetValue(shuffleId, out var statuses) ? [.. statuses] : [];
        }
    }

    /// <summary>A worker's view: replaces what it knows of a shuffle's outputs with the driver's current snapshot.</summary>
    public void Replace(int shuffleId, MapStatus?[] statuses)
    {
        lock (_lock)
        {
            _outputs[shuffleId] = [.. statuses];
        }
    }

    /// <summary>Records a map output; the first successful attempt wins (a later one is ignored).</summary>
    public void RegisterMapOutput(MapStatus status)
    {
        lock (_lock)
        {
            var statuses = _outputs[status.ShuffleId];
            statuses[status.MapId] ??= status;
        }
    }

    public IReadOnlyList<int> GetMissingPartitions(int shuffleId)
    {
        lock (_lock)
        {
            if (!_outputs.TryGetValue(shuffleId, out var statuses))
            {
                throw new InvalidOperationException($"Shuffle {shuffleId} is not registered.");
            }

            var missing = new List<int>();
            for (var i = 0; i < statuses.Length; i++)
            {
                if (statuses[i] is null)
                {
                    missing.Add(i);
                }
            }

            return missing;
        }
    }

    public bool IsAvailable(int shuffleId)
    {
        lock (_lock)
        {
            return _outputs.TryGetValue(shuffleId, out var statuses) && Array.TrueForAll(statuses, s => s is not null);
        }
    }

    /// <summary>The statuses of every map partition; a missing one raises a fetch failure for the reducer.</summary>
    public MapStatus[] GetStatuses(int shuffleId, int reduceId)
    {
        lock (_lock)
        {
            if (!_outputs.TryGetValue(shuffleId, out var statuses))
            {
                throw new FetchFailedException(new ShuffleBlockId(shuffleId, -1, reduceId), "?", "the shuffle has no registered outputs");
            }

            var result = new MapStatus[statuses.Length];
            for (var i = 0; i < statuses.Length; i++)
            {
                result[i] = statuses[i] ?? throw new FetchFailedException(new ShuffleBlockId(shuffleId, i, reduceId), "?", "the map output is missing");
            }

            return result;
        }
    }

    /// <summary>Forgets the output of one map partition (its block was found corrupt or missing).</summary>
    public void RemoveMapOutput(int shuffleId, int mapId)
    {
        lock (_lock)
        {
            if (_outputs.TryGetValue(shuffleId, out var statuses) && mapId >= 0 && mapId < statuses.Length)
            {
                statuses[mapId] = null;
            }
        }
    }

    /// <summary>Forgets every output held by an executor (it was lost).</summary>
    public void RemoveOutputsOnExecutor(string executorId)
    {
        lock (_lock)
        {
            foreach (var statuses in _outputs.Values)
            {
                for (var i = 0; i < statuses.Length; i++)
                {
                    if (statuses[i]?.ExecutorId == executorId)
                    {
                        statuses[i] = null;
                    }
                }
            }
        }
    }

    /// <summary>Forgets every output of a shuffle but keeps it registered: the next job that needs it recomputes it.</summary>
    public void ClearOutputs(int shuffleId)
    {
        lock (_lock)
        {
            if (_outputs.TryGetValue(shuffleId, out var statuses))
            {
                Array.Clear(statuses);
            }
        }
    }

    /// <summary>The bytes each reduce partition receives, summed over the map outputs registered so far.</summary>
    public long[]? ReducePartitionSizes(int shuffleId)
    {
        lock (_lock)
        {
            if (!_outputs.TryGetValue(shuffleId, out var statuses) || statuses.Length == 0 || statuses[0] is null)
            {
                return null;
            }

            var sizes = new long[statuses[0]!.BlockSizes.Length];
            foreach (var status in statuses)
            {
                if (status is null)
                {
                    continue;
                }

                for (var i = 0; i < sizes.Length; i++)
                {
                    sizes[i] += status.BlockSizes[i];
                }
            }

            return sizes;
        }
    }

    public void UnregisterShuffle(int shuffleId)
    {
        lock (_lock)
        {
            _outputs.Remove(shuffleId);
        }
    }

    public IReadOnlyList<int> ShuffleIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _outputs.Keys];
            }
        }
    }
}
