using System.IO.Compression;

namespace Dataflow.IO;

/// <summary>
/// Reads the lines of one <see cref="TextSplit"/>, as bytes (the core) or as UTF-8 strings.
/// </summary>
/// <remarks>
/// <para>
/// A line belongs to the split in which its first byte lies, which lets splits be cut at arbitrary byte
/// offsets (Hadoop's <c>LineRecordReader</c>): a split that does not start at offset 0 starts reading at
/// <c>Start - 1</c> and discards everything through the first <c>\n</c>, so a line that began in the previous
/// split is skipped, while a line starting exactly at <c>Start</c> (previous byte <c>\n</c>) is kept. It then
/// returns every line starting before <c>Start + Length</c>, reading past the end only to finish the last one.
/// </para>
/// <para>
/// Only <c>\n</c> ends a line. With <c>stripCarriageReturn</c> one <c>\r</c> directly before the end of a line
/// is dropped (so <c>\r\n</c> files read cleanly); a <c>\r</c> elsewhere is kept. The text after the last
/// <c>\n</c> is a line when it is not empty; an empty file has no lines. Strings are UTF-8 with invalid bytes
/// as U+FFFD (see <c>LineReader.Text.cs</c>).
/// </para>
/// <para>
/// Reads go straight from an unbuffered <see cref="FileStream"/> into one buffer that grows only for a line
/// longer than itself. Reads stop exactly at the split end; beyond it they start at <see cref="TailReadBytes"/>
/// and double, so finishing a short last line does not pull in a buffer's worth of the next split.
/// Not thread-safe: one reader belongs to one task.
/// </para>
/// </remarks>
internal sealed partial class LineReader : IDisposable
{
    /// <summary>The default read buffer size.</summary>
    public const int DefaultBufferSize = 256 * 1024;

    /// <summary>The size of the first read past the split end.</summary>
    public const int TailReadBytes = 4096;

    private readonly FileStream _file;
    private readonly Stream _source;
    private readonly long _firstReadPosition;
    private readonly long _end;
    private readonly bool _capReads;
    private readonly bool _skipFirstLine;
    private readonly bool _stripCarriageReturn;
    private readonly int _maxTailChunk;
    private byte[] _buffer;
    private int _pos;
    private int _len;
    private long _offset;
    private int _tailChunk;
    private bool _started;
    private bool _done;
    private long _bytesReadAtClose = -1;

    private LineReader(TextSplit split, bool stripCarriageReturn, int bufferSize)
    {
        _stripCarriageReturn = stripCarriageReturn;
        _buffer = new byte[bufferSize];
        _maxTailChunk = bufferSize;
        _tailChunk = Math.Min(TailReadBytes, bufferSize);
        _file = new FileStream(split.Path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            // Our own buffer does the buffering; a FileStream buffer would only add a copy.
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        if (split.IsWholeFile)
        {
            _end = long.MaxValue;
            _source = split.IsGzip ? new GZipStream(_file, CompressionMode.Decompress, leaveOpen: true) : _file;
            return;
        }

        _source = _file;
        _end = split.Start + split.Length;
        _capReads = true;
        _skipFirstLine = split.Start > 0;
        _offset = Math.Max(0, split.Start - 1);
        _firstReadPosition = _offset;
        _file.Seek(_offset, SeekOrigin.Begin);
    }

    /// <summary>
    /// Bytes read from the file so far (compressed bytes for gzip), for the task's input metrics;
    /// still available after <see cref="Dispose"/>.
    /// </summary>
    public long BytesRead => _bytesReadAtClose >= 0 ? _bytesReadAtClose : _file.Position - _firstReadPosition;

    /// <summary>Opens the file of <paramref name="split"/>; nothing is read until the first line is asked for.</summary>
    /// <param name="split">The range to read.</param>
    /// <param name="stripCarriageReturn">Drop one <c>\r</c> at the end of each line (text lines); keep it for raw byte lines.</param>
    /// <param name="bufferSize">Initial read buffer size; small values are for tests.</param>
    public static LineReader Open(TextSplit split, bool stripCarriageReturn = true, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentOutOfRangeException.ThrowIfNegative(split.Start);
        ArgumentOutOfRangeException.ThrowIfNegative(split.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        if (split.IsGzip && !split.IsWholeFile)
        {
            throw new ArgumentException($"'{split.Path}' is gzip-compressed and cannot be split; read it as a whole-file split.", nameof(split));
        }

        return new LineReader(split, stripCarriageReturn, bufferSize);
    }

    /// <summary>
    /// Reads the next line's bytes without its <c>\n</c> (and without a final <c>\r</c> when stripping).
    /// The span is only valid until the next call. Use either this or the string methods on one reader, not
    /// both: the string layer decodes buffered lines ahead.
    /// </summary>
    public bool TryReadLineBytes(out ReadOnlySpan<byte> line)
    {
        line = default;
        EnsureStarted();
        if (_done || _offset >= _end)
        {
            _done = true;
            return false;
        }

        // Bytes after _pos already known to hold no '\n', so a refill does not rescan them.
        int scanned = 0;
        while (true)
        {
            int found = _buffer.AsSpan(_pos + scanned, _len - _pos - scanned).IndexOf((byte)'\n');
            if (found >= 0)
            {
                int newline = _pos + scanned + found;
                line = Trim(_buffer.AsSpan(_pos, newline - _pos));
                Consume(newline + 1 - _pos);
                return true;
            }

            scanned = _len - _pos;
            if (!Fill())
            {
                _done = true;
                if (_len == _pos)
                {
                    // Nothing after the last '\n': an empty last line is not a line.
                    return false;
                }

                line = Trim(_buffer.AsSpan(_pos, _len - _pos));
                Consume(_len - _pos);
                return true;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_bytesReadAtClose >= 0)
        {
            return;
        }

        _bytesReadAtClose = BytesRead;
        _source.Dispose();
        _file.Dispose();
    }

    /// <summary>
    /// Takes every complete line already buffered as one block ending in <c>\n</c>, without reading; false when
    /// the next line is not complete in the buffer or does not belong to this split. Lets the text layer decode
    /// many lines in one call.
    /// </summary>
    private bool TryTakeBufferedLines(out ReadOnlySpan<byte> block)
    {
        block = default;
        EnsureStarted();
        long startable = _end - _offset;
        if (_done || startable <= 0)
        {
            return false;
        }

        // A line starts after every '\n' in the block, so only a '\n' before the split end may close the block.
        int last = _buffer.AsSpan(_pos, (int)Math.Min(_len - _pos, startable)).LastIndexOf((byte)'\n');
        if (last < 0)
        {
            return false;
        }

        block = _buffer.AsSpan(_pos, last + 1);
        Consume(last + 1);
        return true;
    }

    private void EnsureStarted()
    {
        if (!_started)
        {
            _started = true;
            if (_skipFirstLine)
            {
                SkipPartialLine();
            }
        }
    }

    private void SkipPartialLine()
    {
        while (true)
        {
            int found = _buffer.AsSpan(_pos, _len - _pos).IndexOf((byte)'\n');
            if (found >= 0)
            {
                Consume(found + 1);
                return;
            }

            // Nothing here is kept, so the buffer never grows while skipping.
            Consume(_len - _pos);
            if (!Fill())
            {
                _done = true;
                return;
            }
        }
    }

    private ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line) =>
        _stripCarriageReturn && line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private void Consume(int count)
    {
        _pos += count;
        _offset += count;
    }

    /// <summary>Reads more bytes after <c>_len</c>; false at end of input.</summary>
    private bool Fill()
    {
        if (_pos > 0)
        {
            // Only an unfinished line is left (or nothing): move it to the front to make room.
            int remaining = _len - _pos;
            _buffer.AsSpan(_pos, remaining).CopyTo(_buffer);
            _pos = 0;
            _len = remaining;
        }

        if (_len == _buffer.Length)
        {
            if (_buffer.Length >= Array.MaxLength)
            {
                throw new InvalidDataException($"A line in '{_file.Name}' is longer than {Array.MaxLength} bytes.");
            }

            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, 2L * _buffer.Length));
        }

        int count = _buffer.Length - _len;
        if (_capReads)
        {
            long readOffset = _offset + _len - _pos;
            if (readOffset < _end)
            {
                count = (int)Math.Min(count, _end - readOffset);
            }
            else
            {
                count = Math.Min(count, _tailChunk);
                _tailChunk = Math.Min(_maxTailChunk, _tailChunk * 2);
            }
        }

        int read = _source.Read(_buffer, _len, count);
        _len += read;
        return read > 0;
    }
}
