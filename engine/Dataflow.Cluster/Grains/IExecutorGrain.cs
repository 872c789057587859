namespace Dataflow.Cluster.Grains;

/// <summary>
/// A worker's executor (one per worker silo, keyed and pinned by its silo address). A thin adapter: the work is done
/// by the worker's <c>WorkerExecutor</c> on its own threads; calls only queue work and await it.
/// </summary>
public interface IExecutorGrain : IGrainWithStringKey
{
    /// <summary>
    /// The worker's build of the engine and protocol (<c>WireProtocol.Build</c>). A driver asks this first; its shape
    /// never changes, so that drivers and workers of different builds can always tell each other so.
    /// </summary>
    Task<string> GetBuild();

    /// <summary>The executor's id, host and task slots.</summary>
    Task<ExecutorInfo> GetInfo();

    /// <summary>
    /// The first step of registering application <paramref name="appId"/>: a fresh nonce the driver's proof must cover
    /// (<c>ClusterKey</c>). Nothing of the application is accepted before <see cref="Admit"/> succeeded.
    /// </summary>
    Task<RegistrationChallenge> Challenge(string appId);

    /// <summary>
    /// The second step: the driver's proof that it holds the cluster key, over the worker's last nonce for this
    /// application, the driver's own nonce and the application's ticket. Returns the worker's proof over both nonces
    /// (null from a worker without a key), so that the driver ships nothing to a worker that does not hold the key
    /// either. A wrong proof is refused (<see cref="UnauthorizedAccessException"/>) and logged.
    /// </summary>
    Task<byte[]?> Admit(AppTicket app, byte[] driverNonce, byte[] proof);

    /// <summary>Which of <paramref name="hashes"/> (job assemblies, stage binaries) this worker does not hold yet.</summary>
    Task<string[]> MissingBlobs(AppTicket app, string[] hashes);

    /// <summary>Receives one chunk of a blob (an assembly or a stage binary); the blob is usable once all its bytes came.</summary>
    Task PutBlobChunk(AppTicket app, string key, long offset, long totalLength, byte[] chunk);

    /// <summary>Sets up an admitted application (idempotent): its load context from the uploaded assemblies, its directories.</summary>
    Task RegisterApplication(AppTicket app, ApplicationSpec spec);

    /// <summary>Runs one task attempt; a failure inside the task is part of the reply, not an exception.</summary>
    Task<TaskReply> RunTask(AppTicket app, TaskLaunch request, CancellationToken cancellationToken);

    /// <summary>Deletes one shuffle's files of an application and forgets its map outputs.</summary>
    Task RemoveShuffle(AppTicket app, int shuffleId);

    /// <summary>Drops a finished stage attempt's payload and deserialised task of an application.</summary>
    Task RemoveStage(AppTicket app, long binaryId);

    /// <summary>Deletes one map output of an application (found corrupt), so that its next attempt commits afresh.</summary>
    Task RemoveMapOutput(AppTicket app, int shuffleId, int mapId);

    /// <summary>Drops this worker's copy of one of an application's broadcasts; the next use fetches it again.</summary>
    Task RemoveBroadcast(AppTicket app, long broadcastId);

    /// <summary>Drops a persisted RDD's cached partitions of an application.</summary>
    Task RemoveRdd(AppTicket app, int rddId);

    /// <summary>Drops an application: its files, blobs and broadcast copies.</summary>
    Task RemoveApplication(AppTicket app);
}

/// <summary>
/// A worker's block service (pinned like the executor): serves its map outputs and stored results in chunks, each only
/// to a request that carries the ticket of the application it belongs to (a refused request is logged).
/// </summary>
public interface IBlockServiceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Up to <paramref name="count"/> bytes (at most the chunk limit) of a shuffle block from <paramref name="offset"/>;
    /// fewer only at the block's end. The block is named by ids, never by a path.
    /// </summary>
    Task<byte[]> ReadShuffleBlock(AppTicket app, int shuffleId, int mapId, int reduceId, long offset, int count);

    /// <summary>
    /// Up to <paramref name="count"/> bytes from <paramref name="offset"/> of a cached partition this worker holds, in
    /// its serialised form, with the whole's length; an empty chunk of length 0 when the block is not (any more) here.
    /// </summary>
    Task<DataChunk> ReadCachedBlock(AppTicket app, int rddId, int partition, long offset, int count);

    /// <summary>A chunk of a task result too large to return inline; the last read releases it.</summary>
    Task<DataChunk> ReadResult(AppTicket app, long taskId, long offset, int count);

    /// <summary>One piece of a broadcast value this worker fetched, or an empty array when it holds no such piece (any more).</summary>
    Task<byte[]> ReadBroadcastPiece(AppTicket app, long broadcastId, int piece);
}

/// <summary>
/// The driver's side, reachable from workers: broadcast values, fetched by a task at their first use on a worker piece
/// by piece, each from a worker that holds it where one does, else from here.
/// </summary>
public interface IDriverEndpoint : IGrainObserver
{
    /// <summary>Answers while the driver lives; workers drop the applications of drivers that stop answering.</summary>
    Task Ping();

    /// <summary>Broadcast <paramref name="id"/>'s pieces: lengths, checksums and who holds each.</summary>
    Task<BroadcastManifest> GetBroadcast(long id);

    /// <summary>The executors that hold one piece of a broadcast now.</summary>
    Task<string[]> BroadcastPieceHolders(long id, int piece);

    /// <summary>One piece of broadcast <paramref name="id"/>'s serialised value, read from the driver.</summary>
    Task<byte[]> ReadBroadcastPiece(long id, int piece);

    /// <summary>Records that an executor holds (and serves) a piece, which it checked against the manifest.</summary>
    Task AddBroadcastPieceHolder(long id, int piece, string executorId);

    /// <summary>
    /// A barrier task's arrival at its <paramref name="round"/>-th barrier (idempotent): true once every task of the
    /// launch has arrived there, false when that has not happened within a few seconds (the worker asks again, so no
    /// call outlives the response timeout). Interleaved: many tasks wait here at once.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> ArriveAtBarrier(int stageId, int stageAttempt, int epoch, int numTasks, int partitionId, int round);

    /// <summary>Whether task attempt <paramref name="taskId"/> may commit its output partition (the driver's output commit coordinator).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> CanCommit(int stageId, int stageAttempt, int partition, long taskId);
}

/// <summary>A chunk of serialised data (a broadcast value, a cached block) and the whole's length.</summary>
[GenerateSerializer, Immutable]
public sealed record DataChunk([property: Id(0)] byte[] Bytes, [property: Id(1)] long TotalLength);
