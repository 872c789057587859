using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Worker;
using Dataflow.Shuffle;

namespace Dataflow.Cluster.Tests.Worker;

/// <summary>Remote blocks arrive whole, in chunks, with a bounded number of requests in flight however many are open.</summary>
public sealed class RemoteBlockStreamTests
{
    [Fact]
    public async Task ManyOpenStreamsReadInterleaved_ArriveWholeWithinTheReadAheadBound()
    {
        const int Streams = 12;
        const int ReadAhead = 4;
        var service = new FakeBlockService(blockLength: (ClusterLimits.ChunkBytes * 3) + 12_345);
        var budget = new SemaphoreSlim(ReadAhead);
        var streams = Enumerable.Range(0, Streams)
            .Select(m => new RemoteBlockStream(service, "worker-1", new AppTicket("app", new byte[16]), new ShuffleBlockId(0, m, 0), service.BlockLength, budget)).ToList();
        var copies = streams.Select(_ => new MemoryStream()).ToList();

        // Like a k-way merge: a little from each stream in turn.
        var buffer = new byte[64 * 1024];
        var open = Enumerable.Range(0, Streams).ToList();
        while (open.Count > 0)
        {
            foreach (var i in open.ToList())
            {
                var n = await streams[i].ReadAsync(buffer, TestContext.Current.CancellationToken);
                if (n == 0)
                {
                    open.Remove(i);
                }
                else
                {
                    copies[i].Write(buffer, 0, n);
                }
            }
        }

        for (var m = 0; m < Streams; m++)
        {
            Assert.Equal(service.Block(m), copies[m].ToArray());
            streams[m].Dispose();
        }

        // Each reader's own next chunk, plus at most the shared read-ahead budget.
        Assert.InRange(service.MaxInFlight, 2, Streams + ReadAhead);
        Assert.Equal(ReadAhead, budget.CurrentCount);
    }

    [Fact]
    public void ShortChunk_IsAnIOExceptionNamingTheBlock()
    {
        var service = new FakeBlockService(blockLength: 1_000) { Truncate = true };
        using var stream = new RemoteBlockStream(service, "worker-1", new AppTicket("app", new byte[16]), new ShuffleBlockId(3, 1, 2), 1_000, new SemaphoreSlim(2));

        var error = Assert.Throws<IOException>(() => stream.ReadExactly(new byte[1_000]));

        Assert.Contains("shuffle_3_1_2", error.Message, StringComparison.Ordinal);
    }

    private sealed class FakeBlockService(int blockLength) : IBlockServiceGrain
    {
        private int _inFlight;
        private int _maxInFlight;

        public int BlockLength { get; } = blockLength;

        public bool Truncate { get; init; }

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public byte[] Block(int mapId)
        {
            var bytes = new byte[BlockLength];
            new Random(mapId).NextBytes(bytes);
            return bytes;
        }

        public async Task<byte[]> ReadShuffleBlock(AppTicket app, int shuffleId, int mapId, int reduceId, long offset, int count)
        {
            Assert.InRange(count, 1, ClusterLimits.ChunkBytes);
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, now);
            await Task.Delay(2);
            Interlocked.Decrement(ref _inFlight);
            return Block(mapId).AsSpan((int)offset, Truncate ? count / 2 : count).ToArray();
        }

        public Task<DataChunk> ReadResult(AppTicket app, long taskId, long offset, int count) => throw new NotSupportedException();

        public Task<DataChunk> ReadCachedBlock(AppTicket app, int rddId, int partition, long offset, int count) => throw new NotSupportedException();

        public Task<byte[]> ReadBroadcastPiece(AppTicket app, long broadcastId, int piece) => throw new NotSupportedException();

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
