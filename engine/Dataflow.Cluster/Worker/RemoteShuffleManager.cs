using Dataflow.Cluster.Grains;
using Dataflow.Shuffle;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// A worker's shuffle storage for one application: map outputs are written to local files; a block is read directly
/// when this worker wrote it and otherwise streamed from the owning worker's block service.
/// </summary>
internal sealed class RemoteShuffleManager(LocalShuffleManager local, AppTicket app, IGrainFactory grains, SemaphoreSlim readAhead) : IShuffleManager
{
    public LocalShuffleManager Local => local;

    public string ExecutorId => local.ExecutorId;

    public IMapOutputWriter CreateMapOutput(int shuffleId, int mapId, long taskAttemptId, int numPartitions) =>
        local.CreateMapOutput(shuffleId, mapId, taskAttemptId, numPartitions);

    public Stream OpenBlock(ShuffleBlockId block, MapStatus status) =>
        status.ExecutorId == local.ExecutorId
            ? local.OpenBlock(block, status)
            : new RemoteBlockStream(grains.GetGrain<IBlockServiceGrain>(status.ExecutorId), status.ExecutorId, app, block, status.BlockSizes[block.ReduceId], readAhead);

    public void RemoveMapOutput(int shuffleId, int mapId) => local.RemoveMapOutput(shuffleId, mapId);

    public void RemoveShuffle(int shuffleId) => local.RemoveShuffle(shuffleId);

    public void Dispose() => local.Dispose();
}
