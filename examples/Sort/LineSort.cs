namespace Dataflow.Examples.Sort;

/// <summary>The sort of Sort: raw lines in unsigned byte order, the order of <c>LC_ALL=C sort</c>.</summary>
public static class LineSort
{
    /// <summary>
    /// Sorts <paramref name="lines"/> by <see cref="ByteArrayComparer"/>, keeping duplicates: range-partitioned by
    /// bounds sampled from the lines, each partition sorted, so partition 0 holds the smallest lines and the
    /// partitions concatenated in order are the whole sorted input.
    /// </summary>
    /// <param name="lines">The lines, e.g. from <see cref="DataflowContext.ByteLines"/>.</param>
    /// <param name="partitions">The output partitions; default one per input partition (at least one, so that an
    /// empty input still gives one empty part file).</param>
    public static Rdd<byte[]> Sort(Rdd<byte[]> lines, int? partitions = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (partitions is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "The number of partitions must be at least 1.");
        }

        return lines.OrderBy(static line => line, ByteArrayComparer.Instance, partitions ?? Math.Max(1, lines.NumPartitions));
    }
}
