using System.Buffers;
using System.Text.Json;
using Dataflow.IO;
using Dataflow.Scheduling;

namespace Dataflow.Diagnostics;

/// <summary>
/// Writes an application's events as JSON lines (schema: <c>EventLog.md</c> beside this file) into
/// <c>&lt;dir&gt;/&lt;app-id&gt;.jsonl.inprogress</c>, flushed after every event so that a killed driver leaves a
/// readable file, and renamed to <c>&lt;app-id&gt;.jsonl</c> when disposed.
/// </summary>
/// <remarks>Spark: EventLoggingListener</remarks>
internal sealed class EventLogWriter : IDataflowListener, IDisposable
{
    /// <summary>The extension of a finished event log.</summary>
    public const string Extension = ".jsonl";

    /// <summary>Appended to <see cref="Extension"/> while the application runs.</summary>
    public const string InProgressSuffix = ".inprogress";

    private static readonly JsonWriterOptions s_jsonOptions = new() { SkipValidation = false };

    private readonly Lock _lock = new();
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly EventLogRecords _records = new();
    private bool _closed;

    private EventLogWriter(string inProgressPath, string finalPath, FileStream file)
    {
        InProgressPath = inProgressPath;
        FinalPath = finalPath;
        _file = file;
        _json = new Utf8JsonWriter(_buffer, s_jsonOptions);
    }

    /// <summary>The file written while the application runs.</summary>
    public string InProgressPath { get; }

    /// <summary>The file's name once the application has ended.</summary>
    public string FinalPath { get; }

    /// <summary>Creates <paramref name="directory"/> if needed and the application's in-progress file in it.</summary>
    /// <exception cref="OutputPathException">The directory cannot be created or written.</exception>
    public static EventLogWriter Create(string directory, string applicationId)
    {
        var full = Path.GetFullPath(directory);
        var final = Path.Combine(full, applicationId + Extension);
        var inProgress = final + InProgressSuffix;
        try
        {
            Directory.CreateDirectory(full);
            var file = new FileStream(inProgress, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 64 * 1024);
            return new EventLogWriter(inProgress, final, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException(
                $"Event log directory '{full}' (Dataflow:EventLog:Directory, --event-log) cannot be written: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void OnEvent(DataflowEvent e)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            foreach (var record in _records.Translate(e))
            {
                _buffer.ResetWrittenCount();
                _json.Reset(_buffer);
                record(_json);
                _json.Flush();
                _file.Write(_buffer.WrittenSpan);
                _file.WriteByte((byte)'\n');
            }

            // Per event, so that the file of a killed driver ends at a complete line (the OS has every byte written).
            _file.Flush();
        }
    }

    /// <summary>Closes the file and gives it its final name.</summary>
    public void Dispose() => Close(() => File.Move(InProgressPath, FinalPath, overwrite: false));

    /// <summary>Closes and deletes the file: the application never started (its context failed to construct).</summary>
    public void Abandon() => Close(() => File.Delete(InProgressPath));

    // Closes the streams once, then finishes the file (renames or deletes it).
    private void Close(Action finish)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _file.Dispose();
            _json.Dispose();
            finish();
        }
    }
}
