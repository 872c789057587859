using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;
using Dataflow.Serialization;

namespace Dataflow.Cluster.Driver;

/// <summary>The driver's observer that workers fetch broadcast values from, each serialised once, in chunks.</summary>
internal sealed class DriverEndpoint(DataflowContext context) : IDriverEndpoint
{
    private readonly ConcurrentDictionary<long, Lazy<byte[]>> _serialised = new();
    private long _fetches;

    /// <summary>Fetches started (reads at offset 0): one per executor and broadcast, unless unpersisted.</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    public Task Ping() => Task.CompletedTask;

    /// <summary>Drops a destroyed broadcast's serialised value.</summary>
    public void Forget(long id) => _serialised.TryRemove(id, out _);

    public Task<DataChunk> ReadBroadcast(long id, long offset, int count)
    {
        if (offset == 0)
        {
            Interlocked.Increment(ref _fetches);
        }

        var bytes = _serialised.GetOrAdd(id, key => new Lazy<byte[]>(() => context.TryGetBroadcastValue(key, out var value)
            ? ValueCodec.Serialize(value)
            : throw new InvalidOperationException($"Broadcast {key} does not exist on the driver (destroyed?)."))).Value;
        return Task.FromResult(Chunks.Slice(bytes, offset, count));
    }
}
