using Dataflow.Cluster.Placement;
using Dataflow.Cluster.Worker;
using Orleans.Concurrency;

namespace Dataflow.Cluster.Grains;

/// <summary>The executor's Orleans face: reentrant, so many tasks are in flight while each awaits its executor thread.</summary>
[ExecutorPlacement, Reentrant]
internal sealed class ExecutorGrain(WorkerExecutor executor) : Grain, IExecutorGrain
{
    public Task<string> GetBuild() => Task.FromResult(executor.Build);

    public Task<ExecutorInfo> GetInfo() => Task.FromResult(new ExecutorInfo(executor.ExecutorId, executor.Host, executor.Slots));

    public Task<string[]> MissingBlobs(string[] hashes) => Task.FromResult(hashes.Where(h => !executor.Blobs.Has(h)).ToArray());

    public Task PutBlobChunk(string key, long offset, long totalLength, byte[] chunk)
    {
        executor.Blobs.Put(key, offset, totalLength, chunk);
        return Task.CompletedTask;
    }

    public Task RegisterApplication(ApplicationSpec spec)
    {
        executor.Register(spec);
        return Task.CompletedTask;
    }

    public Task<TaskReply> RunTask(TaskLaunch request, CancellationToken cancellationToken)
    {
        if (request.Payload is { } payload)
        {
            // A small stage payload sent with the launch (a repeat of one already here is ignored).
            executor.Blobs.Put(WorkerExecutor.BinaryKey(request.AppId, request.BinaryId), 0, payload.LongLength, payload);
        }

        return executor.RunAsync(request, cancellationToken);
    }

    public Task RemoveShuffle(string appId, int shuffleId)
    {
        executor.Application(appId).RemoveShuffle(shuffleId);
        return Task.CompletedTask;
    }

    public Task RemoveStage(string appId, long binaryId)
    {
        executor.Application(appId).Stages.Remove(binaryId);
        return Task.CompletedTask;
    }

    public Task RemoveMapOutput(string appId, int shuffleId, int mapId)
    {
        executor.Application(appId).ShuffleFiles.RemoveMapOutput(shuffleId, mapId);
        return Task.CompletedTask;
    }

    public Task RemoveBroadcast(string appId, long broadcastId)
    {
        executor.Application(appId).RemoveBroadcast(broadcastId);
        return Task.CompletedTask;
    }

    public Task RemoveRdd(string appId, int rddId)
    {
        executor.Application(appId).RemoveRdd(rddId);
        return Task.CompletedTask;
    }

    public Task RemoveApplication(string appId)
    {
        executor.RemoveApplication(appId);
        return Task.CompletedTask;
    }
}

/// <summary>The block service's Orleans face: serves chunks of this worker's shuffle blocks and stored results.</summary>
[ExecutorPlacement, Reentrant]
internal sealed class BlockServiceGrain(WorkerExecutor executor) : Grain, IBlockServiceGrain
{
    public Task<byte[]> ReadShuffleBlock(string appId, int shuffleId, int mapId, int reduceId, long offset, int count)
    {
        var block = new Dataflow.Shuffle.ShuffleBlockId(shuffleId, mapId, reduceId);
        using var stream = executor.Application(appId).ShuffleFiles.OpenBlock(block, null!);
        var n = (int)Math.Clamp(stream.Length - offset, 0, Math.Min(count, ClusterLimits.ChunkBytes));
        var bytes = new byte[n];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return Task.FromResult(bytes);
    }

    public Task<DataChunk> ReadCachedBlock(string appId, int rddId, int partition, long offset, int count) =>
        Task.FromResult(executor.Application(appId).Blocks.ReadCachedBlock(new Dataflow.Storage.RddBlockId(rddId, partition), offset, count));

    public Task<DataChunk> ReadResult(string appId, long taskId, long offset, int count) =>
        Task.FromResult(executor.Application(appId).Stages.ReadResult(taskId, offset, count));

    public Task<byte[]> ReadBroadcastPiece(string appId, long broadcastId, int piece) =>
        Task.FromResult(executor.Application(appId).BroadcastPieces.Read(broadcastId, piece));
}
