namespace Dataflow;

public sealed partial class DataflowContext
{
    /// <summary>Releases shuffles and broadcasts once the program can no longer reach them.</summary>
    internal ContextCleaner Cleaner { get; } = new();

    /// <summary>
    /// Deletes the files of every shuffle and forgets their outputs. Shuffles live until the context is disposed so
    /// that later jobs can skip stages; call this in long-running drivers to reclaim the disk. A later job that needs
    /// a removed shuffle recomputes it from lineage.
    /// </summary>
    public void CleanupShuffles()
    {
        foreach (var shuffleId in MapOutputs.ShuffleIds)
        {
            RemoveShuffle(shuffleId);
        }
    }

    /// <summary>Drops a persisted RDD's cached partitions, here and on every executor.</summary>
    internal void RemoveRddBlocks(int rddId)
    {
        _environment.BlockManager.RemoveRdd(rddId);
        BlockLocations.RemoveRdd(rddId);
        (_backend as Scheduling.Backends.IExecutorCleanup)?.RemoveRdd(rddId);
    }

    /// <summary>
    /// Forgets a shuffle that nothing can read any more (an action's private intermediate shuffle, once the action has
    /// returned): its stage, its registration and outputs, and its files here and on every executor.
    /// </summary>
    internal void ReleaseShuffle(int shuffleId)
    {
        Cleaner.ForgetShuffle(shuffleId);
        Scheduler.ForgetShuffle(shuffleId);
        MapOutputs.UnregisterShuffle(shuffleId);
        _environment.ShuffleManager.RemoveShuffle(shuffleId);
        (_backend as Scheduling.Backends.IExecutorCleanup)?.RemoveShuffle(shuffleId);
    }

    /// <summary>Deletes one shuffle's files and forgets its outputs.</summary>
    internal void RemoveShuffle(int shuffleId)
    {
        MapOutputs.ClearOutputs(shuffleId);
        _environment.ShuffleManager.RemoveShuffle(shuffleId);
        (_backend as Scheduling.Backends.IExecutorCleanup)?.RemoveShuffle(shuffleId);
    }
}
