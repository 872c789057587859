using Dataflow.Execution;
using Dataflow.Serialization.Records;

namespace Dataflow.Collections;

/// <summary>
/// Appends records to a new spill file in the task's temporary directory, in the shuffle's frame format (LZ4 when
/// <c>Dataflow:Shuffle:Compress</c>, checksummed). <see cref="Finish"/> closes it as a readable
/// <see cref="SpillRun{T}"/>; disposing an unfinished writer deletes the file.
/// </summary>
internal sealed class SpillWriter<T> : IDisposable
{
    private const int FileBuffer = 4096;

    private readonly TaskContext _context;
    private readonly FileStream _file;
    private readonly RecordBatchWriter<T> _writer;
    private bool _done;

    public SpillWriter(TaskContext context, string prefix)
    {
        _context = context;
        Path = context.TempFiles.NewFile(prefix);
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileBuffer);
        _writer = new RecordBatchWriter<T>(_file, context.Environment.Compress);
    }

    public string Path { get; }

    /// <summary>Bytes written so far (frames flushed).</summary>
    public long BytesWritten => _writer.BytesWritten;

    public long RecordsWritten => _writer.RecordsWritten;

    public void Append(T record) => _writer.Write(record);

    /// <summary>Writes buffered records out as a frame (so <see cref="BytesWritten"/> counts them).</summary>
    public void Flush()
    {
        _writer.Flush();
        _file.Flush();
    }

    /// <summary>Flushes and closes the file.</summary>
    public SpillRun<T> Finish()
    {
        Flush();
        _file.Dispose();
        _done = true;
        return new SpillRun<T>(_context.TempFiles, Path, _writer.BytesWritten, _writer.RecordsWritten);
    }

    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            _file.Dispose();
            File.Delete(Path);
        }
    }
}
