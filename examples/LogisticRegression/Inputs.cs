using Dataflow.CommandLine;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;

namespace Dataflow.Examples.LogisticRegression;

/// <summary>Reading the --train and --test files.</summary>
internal static class Inputs
{
    /// <summary>The format given, or the one the extension implies (.csv csv, .tsv text, anything else libsvm).</summary>
    public static string Format(string? given, string path)
    {
        var format = given?.ToLowerInvariant() ?? Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".tsv" => "text",
            _ => "libsvm",
        };
        return format switch
        {
            "csv" or "libsvm" or "text" => format,
            _ => throw new UsageException($"--format must be csv, libsvm or text, got '{given}'."),
        };
    }

    /// <summary>
    /// Loads the points (in the tasks); with <paramref name="numFeatures"/> a file with another feature count is an
    /// error naming both; with <paramref name="partitions"/> the data is spread over exactly that many partitions.
    /// </summary>
    public static async Task<Rdd<LabeledPoint>> LoadAsync(DataflowContext ctx, string path, string format, LabelColumn label, int? numFeatures,
        int? partitions, CancellationToken cancellationToken)
    {
        var points = format switch
        {
            "csv" => await ctx.LoadCsvAsync(path, label, numFeatures, partitions, cancellationToken),
            "text" => await ctx.LoadTextAsync(path, numFeatures ?? (1 << 20), partitions, cancellationToken),
            _ => await ctx.LoadLibSvmAsync(path, numFeatures, partitions, cancellationToken),
        };
        return partitions is { } p && points.NumPartitions != p ? points.Repartition(p) : points;
    }
}
