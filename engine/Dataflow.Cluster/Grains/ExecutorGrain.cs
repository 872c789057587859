using Dataflow.Cluster.Placement;
using Dataflow.Cluster.Worker;
using Orleans.Concurrency;

namespace Dataflow.Cluster.Grains;

/// <summary>
/// The executor's Orleans face: reentrant, so many tasks are in flight while each awaits its executor thread. Every
/// call about an application is checked against its ticket by the executor (<see cref="WorkerExecutor.Application(AppTicket, string)"/>).
/// </summary>
[ExecutorPlacement, Reentrant]
internal sealed class ExecutorGrain(WorkerExecutor executor) : Grain, IExecutorGrain
{
    public Task<string> GetBuild() => Task.FromResult(executor.Build);

    public Task<ExecutorInfo> GetInfo() => Task.FromResult(new ExecutorInfo(executor.ExecutorId, executor.Host, executor.Slots));

    public Task<RegistrationChallenge> Challenge(string appId) => Task.FromResult(executor.Admission.Challenge(appId));

    public Task<byte[]?> Admit(AppTicket app, byte[] driverNonce, byte[] proof) => Task.FromResult(executor.Admission.Admit(app, driverNonce, proof));

    public Task<string[]> MissingBlobs(AppTicket app, string[] hashes)
    {
        executor.Admission.Require(app, nameof(MissingBlobs));
        return Task.FromResult(hashes.Where(h => !executor.Blobs.Has(h)).ToArray());
    }

    public Task PutBlobChunk(AppTicket app, string key, long offset, long totalLength, byte[] chunk)
    {
        executor.PutBlobChunk(app, key, offset, totalLength, chunk);
        return Task.CompletedTask;
    }

    public Task RegisterApplication(AppTicket app, ApplicationSpec spec)
    {
        executor.Register(app, spec);
        return Task.CompletedTask;
    }

    public Task<TaskReply> RunTask(AppTicket app, TaskLaunch request, CancellationToken cancellationToken)
    {
        if (request.Payload is { } payload)
        {
            // A small stage payload sent with the launch, checked like an upload (a repeat of one already here is ignored).
            executor.PutBlobChunk(app, WorkerExecutor.BinaryKey(app.AppId, request.BinaryId), 0, payload.LongLength, payload);
        }

        return executor.RunAsync(app, request, cancellationToken);
    }

    public Task RemoveShuffle(AppTicket app, int shuffleId)
    {
        executor.Application(app).RemoveShuffle(shuffleId);
        return Task.CompletedTask;
    }

    public Task RemoveStage(AppTicket app, long binaryId)
    {
        executor.Application(app).Stages.Remove(binaryId);
        return Task.CompletedTask;
    }

    public Task RemoveMapOutput(AppTicket app, int shuffleId, int mapId)
    {
        executor.Application(app).ShuffleFiles.RemoveMapOutput(shuffleId, mapId);
        return Task.CompletedTask;
    }

    public Task RemoveBroadcast(AppTicket app, long broadcastId)
    {
        executor.Application(app).RemoveBroadcast(broadcastId);
        return Task.CompletedTask;
    }

    public Task RemoveRdd(AppTicket app, int rddId)
    {
        executor.Application(app).RemoveRdd(rddId);
        return Task.CompletedTask;
    }

    public Task RemoveApplication(AppTicket app)
    {
        _ = executor.Application(app);
        return executor.RemoveApplicationAsync(app.AppId);
    }
}

/// <summary>
/// The block service's Orleans face: serves chunks of this worker's shuffle blocks and stored results, each only to a
/// request carrying its application's ticket.
/// </summary>
[ExecutorPlacement, Reentrant]
internal sealed class BlockServiceGrain(WorkerExecutor executor) : Grain, IBlockServiceGrain
{
    public Task<byte[]> ReadShuffleBlock(AppTicket app, int shuffleId, int mapId, int reduceId, long offset, int count)
    {
        var block = new Dataflow.Shuffle.ShuffleBlockId(shuffleId, mapId, reduceId);
        using var stream = executor.Application(app).ShuffleFiles.OpenBlock(block, null!);
        var n = (int)Math.Clamp(stream.Length - offset, 0, Math.Min(count, ClusterLimits.ChunkBytes));
        var bytes = new byte[n];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return Task.FromResult(bytes);
    }

    public Task<DataChunk> ReadCachedBlock(AppTicket app, int rddId, int partition, long offset, int count) =>
        Task.FromResult(executor.Application(app).Blocks.ReadCachedBlock(new Dataflow.Storage.RddBlockId(rddId, partition), offset, count));

    public Task<DataChunk> ReadResult(AppTicket app, long taskId, long offset, int count) =>
        Task.FromResult(executor.Application(app).Stages.ReadResult(taskId, offset, count));

    public Task<byte[]> ReadBroadcastPiece(AppTicket app, long broadcastId, int piece) =>
        Task.FromResult(executor.Application(app).BroadcastPieces.Read(broadcastId, piece));
}
