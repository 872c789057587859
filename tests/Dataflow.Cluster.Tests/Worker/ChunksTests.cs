using Dataflow.Cluster.Grains;

namespace Dataflow.Cluster.Tests.Worker;

/// <summary>Chunked reads give the whole or fail: a sender whose data changes or vanishes mid-read never yields a silent prefix.</summary>
public sealed class ChunksTests
{
    [Fact]
    public async Task ReadAll_SeveralChunks_ReturnsTheWhole()
    {
        var whole = new byte[(ClusterLimits.ChunkBytes * 2) + 5];
        new Random(3).NextBytes(whole);

        var read = await Chunks.ReadAllAsync((offset, count) => Task.FromResult(Chunks.Slice(whole, offset, count)));

        Assert.Equal(whole, read);
    }

    [Fact]
    public async Task ReadAll_BlockGoneAfterTheFirstChunk_Throws()
    {
        var whole = new byte[ClusterLimits.ChunkBytes + 10];
        var calls = 0;

        // The holder answers "not here" (length 0) once the block was evicted between two chunks.
        var error = await Assert.ThrowsAsync<IOException>(() => Chunks.ReadAllAsync((offset, count) =>
            Task.FromResult(++calls == 1 ? Chunks.Slice(whole, offset, count) : new DataChunk([], 0))));

        Assert.Contains("changed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAll_SenderStopsShort_Throws() =>
        await Assert.ThrowsAsync<IOException>(() => Chunks.ReadAllAsync((offset, count) =>
            Task.FromResult(offset == 0 ? new DataChunk(new byte[10], 100) : new DataChunk([], 100))));
}
