using System.Buffers;
using System.Text.Json;
using Dataflow.Diagnostics;
using Dataflow.Scheduling;

namespace Dataflow.Ui.Model;

/// <summary>
/// A bus listener that turns each event into the event-log records the event log would write (the engine's
/// <see cref="EventLogRecords"/>) and applies them to an <see cref="AppModel"/>: the live UI therefore shows exactly
/// what the history server shows for the same application's log.
/// </summary>
internal sealed class LiveEventFeed(AppModel model) : IDataflowListener
{
    private readonly EventLogRecords _records = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public AppModel Model { get; } = model;

    /// <inheritdoc />
    public void OnEvent(DataflowEvent e)
    {
        // The bus delivers on one thread, so the buffer and the record state need no lock.
        foreach (var record in _records.Translate(e))
        {
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer))
            {
                record(writer);
            }

            using var document = JsonDocument.Parse(_buffer.WrittenMemory);
            Model.Apply(document.RootElement);
        }
    }
}
