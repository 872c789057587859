using System.Globalization;
using System.Text.Json;

namespace Dataflow.Examples;

/// <summary>
/// The --metrics-out file of the ML examples: one indented JSON object, written whole once it is complete (so a
/// failed run leaves no half file), every number finite.
/// </summary>
internal static class MetricsJson
{
    /// <summary>Writes the object that <paramref name="body"/> fills to <paramref name="path"/>, creating its directory.</summary>
    public static async Task WriteAsync(string path, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllBytesAsync(path, stream.ToArray(), cancellationToken);
    }

    /// <summary>A number for the results table (6 significant digits, invariant culture).</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The JSON promises finite numbers: a non-finite result is a bug, reported rather than written.</summary>
    public static double Finite(double value) => double.IsFinite(value)
        ? value
        : throw new InvalidOperationException($"A metric is {value.ToString(CultureInfo.InvariantCulture)}; the metrics file holds finite numbers only.");
}
