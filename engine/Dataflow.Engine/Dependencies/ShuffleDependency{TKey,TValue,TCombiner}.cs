using Dataflow.Collections;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Serialization;
using Dataflow.Shuffle;

namespace Dataflow.Dependencies;

/// <summary>A shuffle of <c>(TKey, TValue)</c> records, optionally aggregated into <typeparamref name="TCombiner"/>s.</summary>
/// <remarks>Spark: ShuffleDependency</remarks>
public sealed class ShuffleDependency<TKey, TValue, TCombiner> : ShuffleDependency
{
    /// <summary>Creates the dependency.</summary>
    /// <param name="rdd">The parent (map side).</param>
    /// <param name="partitioner">Assigns keys to reduce partitions.</param>
    /// <param name="aggregator">The by-key aggregation, or <c>null</c> to move records unchanged.</param>
    /// <param name="mapSideCombine">Combine values on the map side (requires <paramref name="aggregator"/>).</param>
    /// <param name="keyOrdering">When set, each reduce partition is sorted by key.</param>
    public ShuffleDependency(
        Rdd<(TKey Key, TValue Value)> rdd,
        Partitioner partitioner,
        Aggregator<TValue, TCombiner>? aggregator,
        bool mapSideCombine,
        IComparer<TKey>? keyOrdering)
        : base(rdd, partitioner, mapSideCombine)
    {
        if (mapSideCombine && aggregator is null)
        {
            throw new ArgumentException("Map-side combine needs an aggregator.", nameof(mapSideCombine));
        }

        Parent = rdd;
        Aggregator = aggregator;
        KeyOrdering = keyOrdering;
    }

    /// <summary>The parent RDD.</summary>
    public Rdd<(TKey Key, TValue Value)> Parent { get; }

    /// <summary>The by-key aggregation, if any.</summary>
    public Aggregator<TValue, TCombiner>? Aggregator { get; }

    /// <summary>The key order of each reduce partition, if sorted.</summary>
    public IComparer<TKey>? KeyOrdering { get; }

    internal override MapStatus RunMapTask(Partition partition, TaskContext context)
    {
        var records = InterruptibleEnumerable.Wrap(Parent.Iterator(partition, context), context.CancellationToken);
        var numPartitions = Partitioner.NumPartitions;
        using var output = context.Environment.ShuffleManager.CreateMapOutput(ShuffleId, partition.Index, context.TaskAttemptId, numPartitions);
        if (MapSideCombine)
        {
            var map = new CombineMap<TKey, TCombiner>();
            var aggregator = Aggregator!;
            foreach (var (key, value) in records)
            {
                map.Combine(key, value, aggregator.CreateCombiner, aggregator.MergeValue);
            }

            WriteBuckets(Bucket(map.Entries(), numPartitions), output, context);
        }
        else
        {
            WriteBuckets(Bucket(records, numPartitions), output, context);
        }

        return output.Commit();
    }

    private List<(TKey Key, T Value)>[] Bucket<T>(IEnumerable<(TKey Key, T Value)> records, int numPartitions)
    {
        var buckets = new List<(TKey Key, T Value)>[numPartitions];
        for (var i = 0; i < numPartitions; i++)
        {
            buckets[i] = [];
        }

        var partitioner = Partitioner;
        foreach (var record in records)
        {
            var p = partitioner.GetPartition(record.Key);
            if ((uint)p >= (uint)numPartitions)
            {
                throw new InvalidOperationException($"{partitioner} returned partition {p} for key '{record.Key}', outside [0, {numPartitions}).");
            }

            buckets[p].Add(record);
        }

        return buckets;
    }

    private static void WriteBuckets<T>(List<(TKey Key, T Value)>[] buckets, IMapOutputWriter output, TaskContext context)
    {
        var writer = new RecordBatchWriter<(TKey Key, T Value)>(output.Stream);
        for (var p = 0; p < buckets.Length; p++)
        {
            foreach (var record in buckets[p])
            {
                writer.Write(record);
            }

            writer.Flush();
            output.EndPartition(p);
            context.CancellationToken.ThrowIfCancellationRequested();
        }

        context.Metrics.ShuffleWriteBytes += writer.BytesWritten;
        context.Metrics.ShuffleWriteRecords += writer.RecordsWritten;
    }
}
