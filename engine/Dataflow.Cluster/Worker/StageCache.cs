using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;
using Dataflow.Execution;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using Dataflow.Shuffle;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// An application's stage tasks on a worker, each deserialised once from the stage payload the driver uploaded, and
/// the task results too large to return inline, held until the driver has read them.
/// </summary>
internal sealed class StageCache(string appId, BlobStore blobs, MapOutputTracker mapOutputs, BlockTransferService blocks, TypeResolutionPolicy policy) : IDisposable
{
    private readonly ConcurrentDictionary<long, Lazy<StageTask>> _stages = new();
    private readonly ConcurrentDictionary<long, byte[]> _storedResults = new();

    /// <summary>The stage's task, deserialised once from its uploaded payload; the map outputs it reads are recorded first.</summary>
    public StageTask Get(long binaryId) => _stages.GetOrAdd(binaryId, id => new Lazy<StageTask>(() =>
    {
        var (binary, shuffles, cached) = StagePayload.Read(blobs.Get(WorkerExecutor.BinaryKey(appId, id)));
        foreach (var (shuffleId, statuses) in shuffles)
        {
            mapOutputs.Replace(shuffleId, statuses);
        }

        foreach (var (block, executor) in cached)
        {
            blocks.AddCachedElsewhere(block, executor);
        }

        return TaskBinary.Deserialize(binary, policy);
    })).Value;

    /// <summary>Drops a finished stage attempt's task and payload.</summary>
    public void Remove(long binaryId)
    {
        _stages.TryRemove(binaryId, out _);
        blobs.Remove(WorkerExecutor.BinaryKey(appId, binaryId));
    }

    /// <summary>Stage tasks held (for tests: none once every job has ended).</summary>
    public int Count => _stages.Count;

    public void StoreResult(long taskId, byte[] bytes) => _storedResults[taskId] = bytes;

    /// <summary>A chunk of a stored result; reading its last byte releases it.</summary>
    public DataChunk ReadResult(long taskId, long offset, int count)
    {
        if (!_storedResults.TryGetValue(taskId, out var bytes))
        {
            throw new InvalidOperationException($"Task {taskId} of application {appId} has no stored result here.");
        }

        var chunk = Chunks.Slice(bytes, offset, count);
        if (offset + chunk.Bytes.Length >= bytes.LongLength)
        {
            _storedResults.TryRemove(taskId, out _);
        }

        return chunk;
    }

    /// <summary>Deletes the application's uploaded stage payloads.</summary>
    public void Dispose() => blobs.RemoveWhere(WorkerExecutor.BinaryPrefix(appId));
}
