using System.Buffers;
using System.Text;

namespace Dataflow.IO;

/// <summary>
/// Writes lines (each followed by <c>\n</c>) to a stream through one pooled chunk, so that short lines cost no write
/// call of their own; a line longer than the chunk goes straight through. Shared by the text and byte-line part writers.
/// </summary>
internal sealed class LineChunkWriter : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly Stream _output;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _used;

    public LineChunkWriter(Stream output) => _output = output;

    public long BytesWritten { get; private set; }

    public long LinesWritten { get; private set; }

    /// <summary>Writes <paramref name="line"/> as it is, then <c>\n</c>.</summary>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        if (!Reserve(line.Length + 1))
        {
            _output.Write(line);
            _output.WriteByte((byte)'\n');
        }
        else
        {
            line.CopyTo(_buffer.AsSpan(_used));
            _buffer[_used + line.Length] = (byte)'\n';
            _used += line.Length + 1;
        }

        Count(line.Length + 1);
    }

    /// <summary>Writes <paramref name="line"/> as UTF-8 without a byte-order mark, then <c>\n</c>.</summary>
    public void WriteLine(string line)
    {
        // UTF-8 needs at most 3 bytes per UTF-16 char (+1 for a dangling surrogate), plus the '\n'.
        var worstCase = ((line.Length + 1L) * 3) + 1;
        if (worstCase > _buffer.Length)
        {
            var encoded = Encoding.UTF8.GetBytes(line);
            WriteLine(encoded);
            return;
        }

        Reserve((int)worstCase);
        var length = Encoding.UTF8.GetBytes(line, _buffer.AsSpan(_used));
        _buffer[_used + length] = (byte)'\n';
        _used += length + 1;
        Count(length + 1);
    }

    /// <summary>Writes what is buffered and flushes the stream (which stays open).</summary>
    public void Flush()
    {
        _output.Write(_buffer, 0, _used);
        _used = 0;
        _output.Flush();
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    /// <summary>Makes room for <paramref name="bytes"/> in the chunk; false when they can never fit in it.</summary>
    private bool Reserve(int bytes)
    {
        if (bytes > _buffer.Length - _used)
        {
            _output.Write(_buffer, 0, _used);
            _used = 0;
        }

        return bytes <= _buffer.Length;
    }

    private void Count(int bytes)
    {
        BytesWritten += bytes;
        LinesWritten++;
    }
}
