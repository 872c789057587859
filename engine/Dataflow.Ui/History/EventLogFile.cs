using System.Text.Json;
using Dataflow.Ui.Model;

namespace Dataflow.Ui.History;

/// <summary>Reads one event log (finished <c>.jsonl</c> or running <c>.jsonl.inprogress</c>) into an <see cref="AppModel"/>.</summary>
internal static class EventLogFile
{
    /// <summary>
    /// The application the file describes. A running application's last line may be half written: an incomplete last
    /// line is left for the next read.
    /// </summary>
    /// <exception cref="FormatException">A line is not an event-log record; the message names the file and line.</exception>
    public static AppModel Read(string path)
    {
        var model = new AppModel();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var lines = text.Split('\n');
        // Everything after the last '\n' is a line still being written.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                model.Apply(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new FormatException($"{path}:{i + 1}: not an event-log record ({e.Message}); the file may be damaged or of another program.", e);
            }
        }

        return model;
    }
}
