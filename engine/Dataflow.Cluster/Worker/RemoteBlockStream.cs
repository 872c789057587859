using Dataflow.Cluster.Grains;
using Dataflow.Execution;
using Dataflow.Shuffle;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// A shuffle block on another worker, read in chunks of at most <see cref="ClusterLimits.ChunkBytes"/> with several
/// requests in flight. Each reader always has its next chunk requested (so every reader makes progress); chunks beyond
/// that are read ahead only while the worker-wide read-ahead budget has room, which bounds the bytes
/// in flight however many blocks a merge keeps open. A failed or short fetch is an <see cref="IOException"/>, which the
/// shuffle reader turns into a fetch failure. The first chunk is requested when the stream is opened, so that blocks
/// opened together are fetched together.
/// </summary>
internal sealed class RemoteBlockStream : Stream
{
    private const int MaxAhead = 3;

    private readonly Queue<(Task<byte[]> Chunk, int Expected, bool Budgeted)> _inFlight = new();
    private readonly IBlockServiceGrain _owner;
    private readonly string _ownerId;
    private readonly AppTicket _app;
    private readonly ShuffleBlockId _block;
    private readonly long _length;
    private readonly SemaphoreSlim _readAhead;
    private long _requested;
    private long _position;
    private byte[] _current = [];
    private int _currentOffset;

    public RemoteBlockStream(IBlockServiceGrain owner, string ownerId, AppTicket app, ShuffleBlockId block, long length, SemaphoreSlim readAhead)
    {
        _owner = owner;
        _ownerId = ownerId;
        _app = app;
        _block = block;
        _length = length;
        _readAhead = readAhead;
        Request();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_currentOffset == _current.Length && !NextChunk())
        {
            return 0;
        }

        var n = Math.Min(buffer.Length, _current.Length - _currentOffset);
        _current.AsSpan(_currentOffset, n).CopyTo(buffer);
        _currentOffset += n;
        _position += n;
        return n;
    }

    private bool NextChunk()
    {
        Request();
        if (_inFlight.Count == 0)
        {
            return false;
        }

        var (chunk, expected, budgeted) = _inFlight.Dequeue();
        try
        {
            _current = chunk.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new IOException($"fetching {_block} from executor {_ownerId} failed: {e.Message}", e);
        }
        finally
        {
            if (budgeted)
            {
                _readAhead.Release();
            }
        }

        if (_current.Length != expected)
        {
            throw new IOException($"executor {_ownerId} returned {_current.Length} bytes of {_block} at offset {_position}, expected {expected}");
        }

        _currentOffset = 0;
        if (TaskContext.Current is { } task)
        {
            task.Metrics.ShuffleRemoteReadBytes += expected;
        }

        Request();
        return true;
    }

    private void Request()
    {
        while (_requested < _length && _inFlight.Count < MaxAhead)
        {
            // The first outstanding chunk is this reader's due; more only within the worker's read-ahead budget.
            var budgeted = _inFlight.Count > 0;
            if (budgeted && !_readAhead.Wait(0))
            {
                return;
            }

            var count = (int)Math.Min(ClusterLimits.ChunkBytes, _length - _requested);
            _inFlight.Enqueue((_owner.ReadShuffleBlock(_app, _block.ShuffleId, _block.MapId, _block.ReduceId, _requested, count), count, budgeted));
            _requested += count;
        }
    }

    protected override void Dispose(bool disposing)
    {
        while (_inFlight.TryDequeue(out var pending))
        {
            if (pending.Budgeted)
            {
                _readAhead.Release();
            }

            // Observe abandoned fetches so their failures do not surface as unobserved exceptions.
            _ = pending.Chunk.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }

        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
