namespace Dataflow.Shuffle;

/// <summary>A read-only window <c>[start, start + length)</c> of a seekable stream; disposing it disposes the stream.</summary>
internal sealed class StreamSlice : Stream
{
    private readonly Stream _inner;
    private readonly long _start;
    private long _remaining;

    public StreamSlice(Stream inner, long start, long length)
    {
        _inner = inner;
        _start = start;
        Length = length;
        _remaining = length;
        inner.Seek(start, SeekOrigin.Begin);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => Length - _remaining;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, Length, nameof(offset));
        _inner.Seek(_start + target, SeekOrigin.Begin);
        _remaining = Length - target;
        return target;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override string ToString() => $"StreamSlice({_start}+{Length})";
}
