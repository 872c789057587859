using System.Collections.Concurrent;
using System.IO.Hashing;
using Dataflow.Cluster.Grains;
using Dataflow.Serialization.Wire;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// The driver's observer that workers fetch broadcast values from: each value is serialised once and cut into pieces
/// of <c>Dataflow:Broadcast:BlockSize</c>; the endpoint records which executors hold which piece, so that workers can
/// read most pieces from each other and the driver sends about one copy whatever the number of executors.
/// </summary>
/// <remarks>Spark: TorrentBroadcast's driver side (the pieces in the driver's block manager, their locations in the master).</remarks>
internal sealed class DriverEndpoint(DataflowContext context) : IDriverEndpoint
{
    private readonly ConcurrentDictionary<long, Lazy<ServedBroadcast>> _served = new();
    private readonly int _pieceBytes = checked((int)context.Options.Broadcast.BlockSize.Bytes);
    private readonly bool _fromPeers = context.Options.Broadcast.FetchFromPeers;
    private long _fetches;
    private long _pieceReads;

    /// <summary>Fetches started: one per executor and broadcast, unless unpersisted.</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    /// <summary>Pieces workers read from the driver itself (the rest they read from each other).</summary>
    public long PieceReads => Interlocked.Read(ref _pieceReads);

    /// <summary>Broadcasts whose serialised value the driver keeps (for tests: destroyed ones are gone).</summary>
    public int ServedCount => _served.Count;

    public Task Ping() => Task.CompletedTask;

    public Task<BroadcastManifest> GetBroadcast(long id)
    {
        Interlocked.Increment(ref _fetches);
        var served = Serve(id);
        if (served.Checksums.Length == 1 && served.Bytes.Length <= ClusterLimits.InlineBroadcastBytes)
        {
            // Small: the value itself, in this one reply (no piece to read, no holder to report).
            return Task.FromResult(new BroadcastManifest(served.Bytes.LongLength, _pieceBytes, served.Checksums, [[]], served.Bytes));
        }

        return Task.FromResult(new BroadcastManifest(served.Bytes.LongLength, _pieceBytes, served.Checksums,
            [.. Enumerable.Range(0, served.Checksums.Length).Select(served.Holders)]));
    }

    public Task<string[]> BroadcastPieceHolders(long id, int piece) =>
        Task.FromResult(_served.TryGetValue(id, out var served) && served.IsValueCreated ? served.Value.Holders(piece) : []);

    public Task<byte[]> ReadBroadcastPiece(long id, int piece)
    {
        Interlocked.Increment(ref _pieceReads);
        return Task.FromResult(Serve(id).Piece(piece));
    }

    public Task AddBroadcastPieceHolder(long id, int piece, string executorId)
    {
        if (_fromPeers && _served.TryGetValue(id, out var served) && served.IsValueCreated)
        {
            served.Value.AddHolder(piece, executorId);
        }

        return Task.CompletedTask;
    }

    /// <summary>How long one barrier call waits at the driver before the worker is told to ask again.</summary>
    internal static readonly TimeSpan BarrierWait = TimeSpan.FromSeconds(5);

    /// <summary>The barriers of barrier stages running on workers.</summary>
    public DriverBarriers Barriers { get; } = new();

    public async Task<bool> ArriveAtBarrier(int stageId, int stageAttempt, int epoch, int numTasks, int partitionId, int round)
    {
        var released = Barriers.ArriveAsync(new Dataflow.Execution.BarrierArrival(stageId, stageAttempt, epoch, numTasks, partitionId, round));
        try
        {
            await released.WaitAsync(BarrierWait).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public Task<bool> CanCommit(int stageId, int stageAttempt, int partition, long taskId) =>
        // No coordinator (the context is still being set up): nothing runs that could commit.
        Task.FromResult(context.Environment.CommitCoordinator?.CanCommit(stageId, stageAttempt, partition, taskId) ?? false);

    /// <summary>Drops a destroyed broadcast's serialised value and its holders.</summary>
    public void Forget(long id) => _served.TryRemove(id, out _);

    /// <summary>Forgets who holds a broadcast's pieces (the workers were told to drop their copies).</summary>
    public void ForgetHolders(long id)
    {
        if (_served.TryGetValue(id, out var served) && served.IsValueCreated)
        {
            served.Value.ClearHolders();
        }
    }

    /// <summary>Forgets a lost executor as a holder of any piece.</summary>
    public void RemoveExecutor(string executorId)
    {
        foreach (var served in _served.Values.Where(s => s.IsValueCreated))
        {
            served.Value.RemoveHolder(executorId);
        }
    }

    private ServedBroadcast Serve(long id) =>
        _served.GetOrAdd(id, key => new Lazy<ServedBroadcast>(() => context.TryGetBroadcastValue(key, out var value)
            ? new ServedBroadcast(ValueCodec.Serialize(value), _pieceBytes)
            : throw new InvalidOperationException($"Broadcast {key} does not exist on the driver (destroyed?)."))).Value;

    /// <summary>One broadcast's serialised value, its pieces' checksums and holders.</summary>
    private sealed class ServedBroadcast
    {
        private readonly Lock _lock = new();
        private readonly int _pieceBytes;
        private readonly List<string>[] _holders;

        public ServedBroadcast(byte[] bytes, int pieceBytes)
        {
            Bytes = bytes;
            _pieceBytes = pieceBytes;
            var pieces = (int)((bytes.LongLength + pieceBytes - 1) / pieceBytes);
            Checksums = [.. Enumerable.Range(0, pieces).Select(p => XxHash64.HashToUInt64(Span(p)))];
            _holders = [.. Enumerable.Range(0, pieces).Select(_ => new List<string>())];
        }

        public byte[] Bytes { get; }

        public ulong[] Checksums { get; }

        public byte[] Piece(int piece) => (uint)piece < (uint)Checksums.Length
            ? Span(piece).ToArray()
            : throw new ArgumentOutOfRangeException(nameof(piece), piece, $"The broadcast has {Checksums.Length} pieces.");

        public string[] Holders(int piece)
        {
            lock (_lock)
            {
                return (uint)piece < (uint)_holders.Length ? [.. _holders[piece]] : [];
            }
        }

        public void AddHolder(int piece, string executorId)
        {
            lock (_lock)
            {
                if ((uint)piece < (uint)_holders.Length && !_holders[piece].Contains(executorId))
                {
                    _holders[piece].Add(executorId);
                }
            }
        }

        public void RemoveHolder(string executorId)
        {
            lock (_lock)
            {
                foreach (var holders in _holders)
                {
                    holders.Remove(executorId);
                }
            }
        }

        public void ClearHolders()
        {
            lock (_lock)
            {
                foreach (var holders in _holders)
                {
                    holders.Clear();
                }
            }
        }

        private ReadOnlySpan<byte> Span(int piece)
        {
            var offset = (long)piece * _pieceBytes;
            return Bytes.AsSpan((int)offset, (int)Math.Min(_pieceBytes, Bytes.LongLength - offset));
        }
    }
}
