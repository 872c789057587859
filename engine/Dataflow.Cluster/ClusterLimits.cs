namespace Dataflow.Cluster;

/// <summary>Sizes that keep every Orleans message far below its 100 MiB limit.</summary>
internal static class ClusterLimits
{
    /// <summary>The largest chunk of bulk data (blocks, blobs, results, broadcasts) in one message: 4 MiB.</summary>
    public const int ChunkBytes = 4 * 1024 * 1024;

    /// <summary>Read-ahead chunks of remote shuffle blocks a worker keeps in flight beyond the one each reader needs (48 MiB).</summary>
    public const int ReadAheadChunks = 12;

    /// <summary>
    /// A broadcast value of at most this many serialised bytes (and one piece) comes inside its manifest: one call per
    /// executor instead of a manifest, a piece and a holder report, and no piece kept on the worker's disk. Peers only
    /// pay off for values many executors would otherwise each read whole from the driver: 64 KiB.
    /// </summary>
    public const int InlineBroadcastBytes = 64 * 1024;

    /// <summary>
    /// A stage payload of at most this many bytes travels inside the task launches that may need it, instead of being
    /// uploaded first: a stage's first task on an executor then costs one call, not two. 64 KiB.
    /// </summary>
    public const int InlinePayloadBytes = 64 * 1024;
}
