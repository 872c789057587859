using System.Buffers;
using System.Diagnostics;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Records;

/// <summary>
/// Writes records to a stream as frames of MessagePack records (<see cref="FrameCodec"/>: LZ4 when
/// <c>compress</c>, a checksum always). Frames are cut at about <see cref="TargetFrameBytes"/> of serialised records
/// so readers stream in bounded memory.
/// </summary>
internal sealed class RecordBatchWriter<T>
{
    public const int TargetFrameBytes = 64 * 1024;

    /// <summary>Frames compressed before deciding whether compression pays for this writer's data.</summary>
    private const int ProbeFrames = 4;

    private readonly Stream _output;
    private bool _compress;
    private int _probedFrames;
    private long _probedRaw;
    private long _probedStored;
    private readonly IMessagePackFormatter<T> _formatter = RecordSerializer.Formatter<T>();
    private readonly ArrayBufferWriter<byte> _buffer = new(TargetFrameBytes + 1024);
    private int _count;

    public RecordBatchWriter(Stream output, bool compress = false)
    {
        _output = output;
        _compress = compress;
    }

    /// <summary>Bytes written to the stream so far (frames flushed, as stored: headers and compressed payloads).</summary>
    public long BytesWritten { get; private set; }

    public long RecordsWritten { get; private set; }

    /// <summary>Stopwatch ticks spent writing frames (compression, checksum, the stream write), for shuffle write time.</summary>
    public long FrameWriteTicks { get; private set; }

    /// <summary>Whether frames are still being compressed (false once compression was found not to pay).</summary>
    internal bool Compressing => _compress;

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
        var start = Stopwatch.GetTimestamp();
        var stored = FrameCodec.Write(_output, _buffer.WrittenSpan, _count, _compress);
        FrameWriteTicks += Stopwatch.GetTimestamp() - start;
        BytesWritten += stored;
        if (_compress && _probedFrames < ProbeFrames)
        {
            // Data that LZ4 cannot shrink by a tenth (random or already compressed) is not worth the CPU: after a
            // few frames, stop trying for the rest of this writer. Frames say their codec, so readers do not care.
            _probedFrames++;
            _probedRaw += _buffer.WrittenCount;
            _probedStored += stored - FrameCodec.HeaderBytes;
            _compress = _probedFrames < ProbeFrames || _probedStored < _probedRaw * 9 / 10;
        }

        _buffer.ResetWrittenCount();
        _count = 0;
    }
}
