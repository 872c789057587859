using System.Globalization;
using System.Text;
using System.Text.Json;
using Dataflow.Cluster.Grains;

namespace Dataflow.Cli;

/// <summary>
/// What <c>dataflow workers</c> prints: a table, or one JSON document (<see cref="ToJson"/>, documented in
/// engine/Dataflow.Cli/README.md).
/// </summary>
internal sealed record WorkerReport(string Master, DateTime At, IReadOnlyList<WorkerReport.Entry> Workers)
{
    /// <summary>Format version of the JSON document; bumped when a field changes meaning or goes away.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// <c>{"version":1,"master":URL,"time":ISO-8601 UTC,"workers":[{"address":"host:port","executorId":...,"build":...,
    /// "slots":{"free":N,"total":N},"memory":{"usedBytes":N,"totalBytes":N},"runningTasks":N,"shuffleBytes":N,
    /// "applications":[id...],"uptimeSeconds":X}...]}</c>; a worker that did not answer has only
    /// <c>address</c> and <c>error</c>.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", FormatVersion);
            json.WriteString("master", Master);
            json.WriteString("time", At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteStartArray("workers");
            foreach (var worker in Workers)
            {
                json.WriteStartObject();
                json.WriteString("address", worker.Address);
                if (worker.Status is not { } s)
                {
                    json.WriteString("error", worker.Error);
                    json.WriteEndObject();
                    continue;
                }

                json.WriteString("executorId", s.ExecutorId);
                json.WriteString("build", s.Build);
                json.WriteStartObject("slots");
                json.WriteNumber("free", s.SlotsFree);
                json.WriteNumber("total", s.SlotsTotal);
                json.WriteEndObject();
                json.WriteStartObject("memory");
                json.WriteNumber("usedBytes", s.MemoryUsedBytes);
                json.WriteNumber("totalBytes", s.MemoryTotalBytes);
                json.WriteEndObject();
                json.WriteNumber("runningTasks", s.RunningTasks);
                json.WriteNumber("shuffleBytes", s.ShuffleBytes);
                json.WriteStartArray("applications");
                foreach (var app in s.Applications)
                {
                    json.WriteStringValue(app);
                }

                json.WriteEndArray();
                json.WriteNumber("uptimeSeconds", Math.Round(s.Uptime.TotalSeconds, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>A header line and one line per worker, columns separated by two or more spaces.</summary>
    public string ToTable()
    {
        string[] header = ["ADDRESS", "SLOTS", "MEMORY", "TASKS", "SHUFFLE", "APPS", "UPTIME"];
        var rows = new List<string[]> { header };
        foreach (var worker in Workers)
        {
            rows.Add(worker.Status is { } s
                ? [worker.Address, $"{s.SlotsFree}/{s.SlotsTotal} free", $"{Size(s.MemoryUsedBytes)}/{Size(s.MemoryTotalBytes)}",
                    s.RunningTasks.ToString(CultureInfo.InvariantCulture), Size(s.ShuffleBytes),
                    s.Applications.Length == 0 ? "-" : string.Join(',', s.Applications), Uptime(s.Uptime)]
                : [worker.Address, "-", "-", "-", "-", "-", $"not answering: {worker.Error}"]);
        }

        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c])))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Bytes in the largest binary unit below them, one decimal: <c>512</c>, <c>1.5k</c>, <c>2.0g</c>.</summary>
    private static string Size(long bytes)
    {
        string[] units = ["k", "m", "g", "t"];
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture);
        }

        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0}{units[unit]}");
    }

    private static string Uptime(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:00}m")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m{t.Seconds:00}s");

    /// <summary>One worker: its status, or the error that kept it from answering.</summary>
    public sealed record Entry(string Address, WorkerStatus? Status, string? Error);
}
