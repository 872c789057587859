namespace Dataflow.Shuffle;

/// <summary>
/// An executor's shuffle storage: map tasks write one output per (shuffle, map) with a block per reduce partition;
/// reducers read blocks by <see cref="ShuffleBlockId"/> and location. The spilling shuffle and the remote block
/// service replace the implementations behind this interface.
/// </summary>
internal interface IShuffleManager : IDisposable
{
    /// <summary>The executor whose blocks this manager stores.</summary>
    string ExecutorId { get; }

    /// <summary>Opens the output of one map task attempt; nothing is visible to readers until it is committed.</summary>
    IMapOutputWriter CreateMapOutput(int shuffleId, int mapId, long taskAttemptId, int numPartitions);

    /// <summary>Opens one block for reading; <paramref name="status"/> says where it lives and how long it is.</summary>
    Stream OpenBlock(ShuffleBlockId block, MapStatus status);

    /// <summary>Deletes one map task's output (it was found corrupt or incomplete), so that it is written anew.</summary>
    void RemoveMapOutput(int shuffleId, int mapId);

    /// <summary>Deletes every file of a shuffle.</summary>
    void RemoveShuffle(int shuffleId);
}

/// <summary>The output of one map task attempt: partitions written in order, then committed or disposed (aborted).</summary>
internal interface IMapOutputWriter : IDisposable
{
    /// <summary>The stream the current partition's block is written to.</summary>
    Stream Stream { get; }

    /// <summary>Ends the block of partition <paramref name="partition"/> (called for every partition, in order).</summary>
    void EndPartition(int partition);

    /// <summary>Makes the output visible under its final name; the first committed attempt wins.</summary>
    MapStatus Commit();
}
