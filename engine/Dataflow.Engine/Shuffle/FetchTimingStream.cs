using System.Diagnostics;
using Dataflow.Execution;

namespace Dataflow.Shuffle;

/// <summary>
/// A shuffle block's stream that adds the time spent in its reads to the task's
/// <see cref="TaskMetrics.ShuffleFetchWaitTime"/>: a read of a frame's header or payload blocks on the local file or
/// on the remote chunks, decoding happens outside. One timestamp pair per read call, a few per 64 KiB frame.
/// </summary>
internal sealed class FetchTimingStream(Stream inner, TaskMetrics metrics) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var start = Stopwatch.GetTimestamp();
        var read = inner.Read(buffer);
        metrics.ShuffleFetchWaitTime += Stopwatch.GetElapsedTime(start);
        return read;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
