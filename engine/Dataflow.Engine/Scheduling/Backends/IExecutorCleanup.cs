namespace Dataflow.Scheduling.Backends;

/// <summary>A backend whose executors keep shuffle files, cached blocks and broadcast copies, which must be told when they are dropped.</summary>
internal interface IExecutorCleanup
{
    /// <summary>Deletes the shuffle's files on every executor.</summary>
    void RemoveShuffle(int shuffleId);

    /// <summary>Drops a persisted RDD's cached partitions on every executor.</summary>
    void RemoveRdd(int rddId);

    /// <summary>Drops the executors' copies of a broadcast; <paramref name="destroyed"/>: the driver will not serve it again.</summary>
    Task RemoveBroadcastAsync(long broadcastId, bool destroyed);

    /// <summary>
    /// Drops what was kept for one stage attempt whose tasks have all ended (its serialised stage, here and on the
    /// executors it was sent to); a later attempt of the stage is serialised and sent anew.
    /// </summary>
    void RemoveStageAttempt(int stageId, int stageAttempt);

    /// <summary>Deletes one map output (found corrupt) on the executor that holds it; completes when it is gone or the executor is.</summary>
    Task RemoveMapOutputAsync(int shuffleId, int mapId, string executorId);
}
