using Dataflow.Cluster.Grains;
using Dataflow.Execution;
using Dataflow.Shuffle;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// A shuffle block on another worker, read in chunks of at most <see cref="ClusterLimits.ChunkBytes"/> with several
/// requests in flight. Each reader always has its next chunk requested (so every reader makes progress); chunks beyond
/// that are read ahead only while the worker-wide <paramref name="readAhead"/> budget has room, which bounds the bytes
/// in flight however many blocks a merge keeps open. A failed or short fetch is an <see cref="IOException"/>, which the
/// shuffle reader turns into a fetch failure.
/// </summary>
internal sealed class RemoteBlockStream(IBlockServiceGrain owner, string ownerId, AppTicket app, ShuffleBlockId block, long length, SemaphoreSlim readAhead) : Stream
{
    private const int MaxAhead = 3;

    private readonly Queue<(Task<byte[]> Chunk, int Expected, bool Budgeted)> _inFlight = new();
    private long _requested;
    private long _position;
    private byte[] _current = [];
    private int _currentOffset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

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
            throw new IOException($"fetching {block} from executor {ownerId} failed: {e.Message}", e);
        }
        finally
        {
            if (budgeted)
            {
                readAhead.Release();
            }
        }

        if (_current.Length != expected)
        {
            throw new IOException($"executor {ownerId} returned {_current.Length} bytes of {block} at offset {_position}, expected {expected}");
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
        while (_requested < length && _inFlight.Count < MaxAhead)
        {
            // The first outstanding chunk is this reader's due; more only within the worker's read-ahead budget.
            var budgeted = _inFlight.Count > 0;
            if (budgeted && !readAhead.Wait(0))
            {
                return;
            }

            var count = (int)Math.Min(ClusterLimits.ChunkBytes, length - _requested);
            _inFlight.Enqueue((owner.ReadShuffleBlock(app, block.ShuffleId, block.MapId, block.ReduceId, _requested, count), count, budgeted));
            _requested += count;
        }
    }

    protected override void Dispose(bool disposing)
    {
        while (_inFlight.TryDequeue(out var pending))
        {
            if (pending.Budgeted)
            {
                readAhead.Release();
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
