using System.Globalization;
using System.Text;
using Dataflow.Configuration;
using Microsoft.Extensions.Logging;

namespace Dataflow.Scheduling;

internal sealed partial class DagScheduler
{
    /// <summary>A partition this many times the median size (and above the configured threshold) is skewed.</summary>
    private const int SkewFactor = 5;

    /// <summary>Warns about reduce partitions of a finished map stage that are far larger than the median.</summary>
    private void ReportSkew(ShuffleMapStage stage)
    {
        var sizes = _mapOutputs.ReducePartitionSizes(stage.Dependency.ShuffleId);
        if (sizes is null || sizes.Length < 2)
        {
            return;
        }

        var median = Median(sizes);
        var threshold = _context.Options.Shuffle.SkewWarningThreshold.Bytes;
        for (var p = 0; p < sizes.Length; p++)
        {
            if (sizes[p] >= threshold && sizes[p] >= SkewFactor * Math.Max(1, median))
            {
                LogSkew(_logger, stage.Id, p, new ByteSize(sizes[p]), new ByteSize(median), stage.CallSite);
            }
        }
    }

    /// <summary>One line describing a shuffle's reduce partition sizes: count, min, median, max and a histogram.</summary>
    private string? PartitionSizeSummary(int shuffleId)
    {
        var sizes = _mapOutputs.ReducePartitionSizes(shuffleId);
        if (sizes is null || !_mapOutputs.IsAvailable(shuffleId))
        {
            return null;
        }

        const int buckets = 5;
        var min = sizes.Min();
        var max = sizes.Max();
        var counts = new int[buckets];
        foreach (var size in sizes)
        {
            var bucket = max == min ? 0 : (int)Math.Min(buckets - 1, (size - min) * buckets / (max - min));
            counts[bucket]++;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"reduce partition sizes: n={sizes.Length} min={new ByteSize(min)} median={new ByteSize(Median(sizes))} max={new ByteSize(max)}; histogram");
        for (var b = 0; b < buckets; b++)
        {
            var from = min + ((max - min) * b / buckets);
            text.Append(CultureInfo.InvariantCulture, $" [{new ByteSize(from)}..]: {counts[b]}");
        }

        return text.ToString();
    }

    private static long Median(long[] sizes)
    {
        var sorted = sizes.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skewed shuffle: stage {StageId} reduce partition {Partition} receives {Size} (median {Median}), written by {CallSite}. Consider a better key or more partitions.")]
    private static partial void LogSkew(ILogger logger, int stageId, int partition, ByteSize size, ByteSize median, CallSite callSite);
}
