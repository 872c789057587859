namespace Dataflow.Rdds;

/// <summary>
/// Decides which parent partitions each partition of a <see cref="CoalescedRdd{T}"/> reads. Balance comes first:
/// the groups' sizes differ by at most one, so no task gets much more input than another. Within that, locality:
/// parent partitions are ordered by preferred location (locations in order of first appearance, partitions in index
/// order within one), and that order is cut into consecutive groups, so most groups hold partitions of a single
/// location. Without preferred locations that order is the index order and each group is a run of adjacent
/// partitions, which keeps the records in their original order.
/// </summary>
/// <remarks>Spark: DefaultPartitionCoalescer (simplified: balance is exact rather than within a slack)</remarks>
internal static class PartitionCoalescer
{
    /// <summary>Groups <paramref name="locations"/>.Count parent partitions into at most <paramref name="maxPartitions"/> partitions.</summary>
    /// <param name="locations">The first preferred location of each parent partition; <c>null</c> or empty for none.</param>
    /// <param name="maxPartitions">The most groups to make (at least 1).</param>
    public static CoalescedPartition[] Coalesce(IReadOnlyList<string?> locations, int maxPartitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPartitions);
        var count = locations.Count;
        var groups = Math.Min(count, maxPartitions);
        var runOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new int[count];
        var runs = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
            var key = locations[i] ?? "";
            if (!runOf.TryGetValue(key, out var run))
            {
                run = runOf.Count;
                runOf.Add(key, run);
            }

            runs[i] = run;
        }

        // Ties are broken by index, so within one location the partitions stay in index order.
        Array.Sort(order, (a, b) => runs[a] != runs[b] ? runs[a].CompareTo(runs[b]) : a.CompareTo(b));
        var chunks = new int[groups][];
        for (var g = 0; g < groups; g++)
        {
            var start = (int)((long)g * count / groups);
            var end = (int)((long)(g + 1) * count / groups);
            chunks[g] = order[start..end];
            Array.Sort(chunks[g]);
        }

        // Number the groups by their first parent, so that output order follows input order as far as it can.
        Array.Sort(chunks, (a, b) => a[0].CompareTo(b[0]));
        var result = new CoalescedPartition[groups];
        for (var g = 0; g < groups; g++)
        {
            result[g] = new CoalescedPartition(g, chunks[g], MostCommonLocation(chunks[g], locations));
        }

        return result;
    }

    private static string? MostCommonLocation(int[] parents, IReadOnlyList<string?> locations)
    {
        var best = (string?)null;
        var bestCount = 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in parents)
        {
            if (string.IsNullOrEmpty(locations[p]))
            {
                continue;
            }

            var location = locations[p]!;
            var n = counts[location] = counts.GetValueOrDefault(location) + 1;
            if (n > bestCount)
            {
                best = location;
                bestCount = n;
            }
        }

        return best;
    }
}
