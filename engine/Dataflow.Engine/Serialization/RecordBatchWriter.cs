using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization;

/// <summary>
/// Writes records to a stream as frames: <c>[int32 payload bytes][int32 record count][MessagePack records]</c>.
/// Frames are cut at about <see cref="TargetFrameBytes"/> so readers stream in bounded memory.
/// </summary>
internal sealed class RecordBatchWriter<T>
{
    public const int TargetFrameBytes = 64 * 1024;
    private const int HeaderBytes = 8;

    private readonly Stream _output;
    private readonly IMessagePackFormatter<T> _formatter = RecordSerializer.Formatter<T>();
    private readonly ArrayBufferWriter<byte> _buffer = new(TargetFrameBytes + 1024);
    private int _count;

    public RecordBatchWriter(Stream output) => _output = output;

    /// <summary>Bytes written to the stream so far (frames flushed).</summary>
    public long BytesWritten { get; private set; }

    public long RecordsWritten { get; private set; }

    public void Write(T record)
    {
        var writer = new MessagePackWriter(_buffer);
        _formatter.Serialize(ref writer, record, RecordSerializer.Options);
        writer.Flush();
        _count++;
        RecordsWritten++;
        if (_buffer.WrittenCount >= TargetFrameBytes)
        {
            FlushFrame();
        }
    }

    /// <summary>Writes any buffered records as a last frame.</summary>
    public void Flush()
    {
        if (_count > 0)
        {
            FlushFrame();
        }
    }

    private void FlushFrame()
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, _buffer.WrittenCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], _count);
        _output.Write(header);
        _output.Write(_buffer.WrittenSpan);
        BytesWritten += HeaderBytes + _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
        _count = 0;
    }
}
