using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dataflow.MLlib.Persistence;

/// <summary>
/// Saves and loads fitted models as a directory of two files: <c>metadata.json</c> (format name and version, the model
/// type, its settings and shapes) and <c>data.bin</c> (the learned numbers as little-endian float64, with an XxHash64
/// checksum recorded in the metadata). A save writes a temporary sibling directory and renames it into place, so a
/// failed save leaves nothing under the final name.
/// </summary>
/// <remarks>Spark: <c>MLWriter</c>/<c>MLReader</c> (metadata JSON + data).</remarks>
internal static class ModelStore
{
    /// <summary>The format this build writes; a model saved by a newer one is refused.</summary>
    public const int FormatVersion = 1;

    private const string FormatName = "dataflow-mllib-model";
    private const string MetadataFile = "metadata.json";
    private const string DataFile = "data.bin";

    /// <summary>Writes a model directory.</summary>
    /// <param name="directory">The model directory; an existing non-empty one is an error unless <paramref name="overwrite"/>.</param>
    /// <param name="modelType">The model's type name, checked on load.</param>
    /// <param name="parameters">Settings and shapes, stored as JSON.</param>
    /// <param name="data">The learned numbers.</param>
    /// <param name="overwrite">Replace an existing directory.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task SaveAsync(string directory, string modelType, JsonObject parameters, ReadOnlyMemory<double> data, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var target = Path.GetFullPath(directory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite)
            throw new IOException($"Cannot save the model to '{target}': the directory exists and is not empty; choose another or pass overwrite: true.");

        var bytes = new byte[data.Length * sizeof(double)];
        for (var i = 0; i < data.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), data.Span[i]);

        var metadata = new JsonObject
        {
            ["format"] = FormatName,
            ["formatVersion"] = FormatVersion,
            ["modelType"] = modelType,
            ["dataLength"] = data.Length,
            ["dataChecksum"] = XxHash64.HashToUInt64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            ["parameters"] = parameters,
        };

        var parent = Path.GetDirectoryName(target) ?? ".";
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, DataFile), bytes, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(staging, MetadataFile), metadata.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken)
                .ConfigureAwait(false);
            if (Directory.Exists(target))
                Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Reads a model directory written by <see cref="SaveAsync"/> for a model of <paramref name="modelType"/>.</summary>
    /// <returns>The stored parameters and data.</returns>
    /// <exception cref="ModelFormatException">Another model type, a newer format version, or damaged files.</exception>
    public static async Task<(JsonObject Parameters, double[] Data)> LoadAsync(string directory, string modelType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var target = Path.GetFullPath(directory);
        var metadataPath = Path.Combine(target, MetadataFile);
        if (!File.Exists(metadataPath))
            throw new FileNotFoundException($"'{target}' is not a saved model: it has no {MetadataFile}.", metadataPath);

        JsonObject metadata;
        try
        {
            metadata = JsonNode.Parse(await File.ReadAllTextAsync(metadataPath, cancellationToken).ConfigureAwait(false)) as JsonObject
                ?? throw new ModelFormatException($"{metadataPath}: the metadata is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{metadataPath}: the metadata is not valid JSON ({e.Message}).", e);
        }

        if (Read<string>(metadata, "format", metadataPath) != FormatName)
            throw new ModelFormatException($"{metadataPath}: not a Dataflow MLlib model (format '{metadata["format"]}').");
        var version = Read<int>(metadata, "formatVersion", metadataPath);
        if (version > FormatVersion)
            throw new ModelFormatException($"{metadataPath}: the model was saved in format version {version}, newer than this build reads ({FormatVersion}); load it with a newer Dataflow.MLlib.");
        var storedType = Read<string>(metadata, "modelType", metadataPath);
        if (storedType != modelType)
            throw new ModelFormatException($"{metadataPath}: the directory holds a {storedType}, not a {modelType}; load it with {storedType}.LoadAsync.");

        var dataPath = Path.Combine(target, DataFile);
        var bytes = File.Exists(dataPath)
            ? await File.ReadAllBytesAsync(dataPath, cancellationToken).ConfigureAwait(false)
            : throw new ModelFormatException($"{target}: the model's {DataFile} is missing.");
        var length = Read<long>(metadata, "dataLength", metadataPath);
        var checksum = XxHash64.HashToUInt64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        if (bytes.Length != length * sizeof(double) || checksum != Read<string>(metadata, "dataChecksum", metadataPath))
            throw new ModelFormatException($"{dataPath}: the data does not match its metadata (length or checksum); the model files are damaged.");

        var data = new double[length];
        for (var i = 0; i < data.Length; i++)
            data[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)));
        return (metadata["parameters"] as JsonObject ?? [], data);
    }

    private static T Read<T>(JsonObject metadata, string name, string path)
    {
        try
        {
            return metadata[name] is { } node ? node.GetValue<T>() : throw new ModelFormatException($"{path}: the metadata has no '{name}'.");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"{path}: the metadata's '{name}' is not a {typeof(T).Name}.", e);
        }
    }
}
