using System.Diagnostics;
using Dataflow.Collections;
using Dataflow.Dependencies;
using Dataflow.Execution;

namespace Dataflow.Shuffle;

/// <summary>
/// The map side of a shuffle: computes a map task's partition of the dependency's parent and writes it as one map
/// output (a data file with a block per reduce partition, plus its index). The dependency only describes the shuffle
/// (partitioner, aggregator, key order); which writer runs is decided here: with map-side combine, one combiner per key
/// through an <see cref="ExternalSorter{TKey, TItem}"/>; with neither combine nor order into few partitions, straight
/// to a file per partition (<see cref="BypassMergeShuffleWriter"/>); otherwise records sorted by reduce partition (and
/// by key when ordered). Sorters buffer within the task's memory, spill sorted runs when refused more, and merge them
/// into the one data file.
/// </summary>
/// <remarks>Spark: SortShuffleManager.getWriter (SortShuffleWriter, BypassMergeSortShuffleWriter)</remarks>
internal static class ShuffleWriter
{
    /// <summary>
    /// Whether map tasks write each record straight to its partition's file: no combine, no order, and at most
    /// <paramref name="threshold"/> (<c>Dataflow:Shuffle:BypassMergeThreshold</c>) reduce partitions. Decided on the
    /// driver when the dependency is built, so the driver's options choose.
    /// </summary>
    public static bool ShouldBypassMerge(bool mapSideCombine, bool sorted, int numPartitions, int threshold) =>
        !mapSideCombine && !sorted && numPartitions <= threshold;

    /// <summary>Runs the map task of <paramref name="partition"/>: computes it and writes the shuffle output.</summary>
    public static MapStatus Write<TKey, TValue, TCombiner>(ShuffleDependency<TKey, TValue, TCombiner> dependency, Partition partition, TaskContext context)
    {
        var partitioner = dependency.Partitioner;
        var records = InterruptibleEnumerable.Wrap(dependency.Parent.Iterator(partition, context), context.CancellationToken);
        using var output = context.Environment.ShuffleManager.CreateMapOutput(dependency.ShuffleId, partition.Index, context.TaskAttemptId, partitioner.NumPartitions);
        if (dependency.MapSideCombine)
        {
            var aggregator = dependency.Aggregator!;
            using var sorter = ExternalSorter<TKey, TCombiner>.ForShuffle(context, partitioner, aggregator.MergeCombiners);
            foreach (var (key, value) in records)
            {
                sorter.Combine(key, value, aggregator.CreateCombiner, aggregator.MergeValue);
            }

            WriteTimed(sorter, output, context);
        }
        else if (dependency.BypassMerge)
        {
            BypassMergeShuffleWriter.Write(records, partitioner, output, context);
        }
        else
        {
            using var sorter = dependency.KeyOrdering is { } ordering
                ? ExternalSorter<TKey, TValue>.ForSortedShuffle(context, partitioner, ordering)
                : ExternalSorter<TKey, TValue>.ForShuffle(context, partitioner, null);
            sorter.InsertAll(records);
            WriteTimed(sorter, output, context);
        }

        var commitStart = Stopwatch.GetTimestamp();
        var status = output.Commit();
        context.Metrics.ShuffleWriteTime += Stopwatch.GetElapsedTime(commitStart);
        return status;
    }

    // The records are all in the sorter by now: from here on the task only writes.
    private static void WriteTimed<TKey, TItem>(ExternalSorter<TKey, TItem> sorter, IMapOutputWriter output, TaskContext context)
    {
        var start = Stopwatch.GetTimestamp();
        sorter.WritePartitioned(output);
        context.Metrics.ShuffleWriteTime += Stopwatch.GetElapsedTime(start);
    }
}
