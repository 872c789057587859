namespace Dataflow.Shuffle;

/// <summary>
/// A write-only stream that keeps what is written in memory up to a threshold and moves it all to a file, created only
/// then, once more is written. A map output that stays small never touches the file system (creating, renaming and
/// deleting a file each cost more than a tiny task's whole compute on a busy disk).
/// </summary>
internal sealed class OverflowStream : Stream
{
    private readonly long _threshold;
    private readonly Func<FileStream> _openFile;
    private MemoryStream? _memory;
    private FileStream? _file;
    private long _position;

    /// <param name="threshold">Bytes kept in memory at most; 0 writes to the file from the start.</param>
    /// <param name="openFile">Creates the file (called at most once).</param>
    public OverflowStream(long threshold, Func<FileStream> openFile)
    {
        _threshold = threshold;
        _openFile = openFile;
        if (threshold <= 0)
        {
            _file = openFile();
        }
        else
        {
            _memory = new MemoryStream();
        }
    }

    /// <summary>Whether everything written so far is still in memory (no file was created).</summary>
    public bool InMemory => _file is null;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>The bytes written, while <see cref="InMemory"/>: a copy of exactly that length.</summary>
    public byte[] ToArray() => _memory?.ToArray() ?? throw new InvalidOperationException("The output was moved to a file.");

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_file is null && _position + buffer.Length > _threshold)
        {
            _file = _openFile();
            _memory!.WriteTo(_file);
            _memory = null;
        }

        if (_file is not null)
        {
            _file.Write(buffer);
        }
        else
        {
            _memory!.Write(buffer);
        }

        _position += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => _file?.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
            _memory = null;
        }

        base.Dispose(disposing);
    }
}
