using System.Diagnostics;
using System.Numerics.Tensors;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Training;

/// <summary>
/// One pass of driver-mode training over the cached blocks, as exactly one engine job: broadcast the model, run a
/// <see cref="BlockContribution"/> over every block in the tasks, tree-aggregate the float64 sums to the driver,
/// destroy the broadcast. The data never leaves the executors; only the model goes out and one vector per partition
/// comes back.
/// </summary>
/// <remarks>
/// <para>Each partition's task returns its sums with its row count, the time it spent in the contributions (kernel
/// time), the time it took to read the broadcast, the host↔device traffic of its kernel calls
/// (<see cref="DeviceTransfers"/>), and its job and stage ids, which let the
/// <see cref="IterationRecorder"/> match the pass to the scheduler's events. Partial results merge by adding sums and
/// rows and taking the largest times.</para>
/// <para>Mini-batches are sampled in the tasks: with a <see cref="MiniBatch"/>, each row is kept with probability
/// <see cref="MiniBatch.Fraction"/>, drawn from a <see cref="Random"/> seeded with
/// <see cref="MiniBatch.PartitionSeed"/>, so the batch depends on the seed and the partitioning only.</para>
/// <para>Spark: RDDLossFunction (broadcast, treeAggregate, destroy).</para>
/// </remarks>
internal static class BlockPass
{
    // A partition's result, or the merge of several: a value tuple, so it crosses the tree aggregation's shuffles as
    // plain MessagePack data. JobId and StageId are −1 in the seed (and when no task ran).
    private static readonly (double[] Sums, long Rows, double KernelSeconds, double FetchSeconds, int JobId, int StageId, long[] Transfers) Empty = ([], 0, 0, 0, -1, -1, []);

    /// <summary>Runs one pass over <paramref name="blocks"/> with <paramref name="model"/> and returns the summed results.</summary>
    /// <param name="blocks">The cached training blocks.</param>
    /// <param name="model">The model to broadcast (copied, so the caller may reuse the memory).</param>
    /// <param name="sumsLength">The length of the sums each partition accumulates.</param>
    /// <param name="contribution">What each block adds (run in the tasks).</param>
    /// <param name="batch">The mini-batch to sample, or null for every row.</param>
    /// <param name="depth">The tree-aggregation depth (Spark's default 2).</param>
    /// <param name="recorder">Where the pass's timing goes, or null.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    public static async Task<PassResult> RunAsync(Rdd<InstanceBlock> blocks, ReadOnlyMemory<double> model, int sumsLength,
        BlockContribution contribution, MiniBatch? batch, int depth, IterationRecorder? recorder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(contribution);
        ArgumentOutOfRangeException.ThrowIfNegative(sumsLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var started = IterationRecorder.Now;
        var broadcast = blocks.Context.Broadcast(model.ToArray());
        var broadcasted = IterationRecorder.Now;
        (double[] Sums, long Rows, double KernelSeconds, double FetchSeconds, int JobId, int StageId, long[] Transfers) result;
        DateTimeOffset aggregated;
        try
        {
            var (sampled, seed, fraction) = batch is { } b && b.Fraction < 1 ? (true, b.Seed, b.Fraction) : (false, 0L, 1.0);
            var partials = blocks.SelectPartitions((index, items) =>
            {
                var fetchStart = Stopwatch.GetTimestamp();
                var weights = broadcast.Value;
                var fetch = Stopwatch.GetElapsedTime(fetchStart).TotalSeconds;
                var sums = new double[sumsLength];
                var random = sampled ? new Random(new MiniBatch(0, seed, fraction).PartitionSeed(index)) : null;
                long rows = 0;
                var kernel = 0L;
                var transfersBefore = DeviceTransfers.OnThisThread;
                foreach (var block in items)
                {
                    var selected = random is null ? null : Sample(random, block.Rows, fraction);
                    var start = Stopwatch.GetTimestamp();
                    contribution(block, weights, sums, selected);
                    kernel += Stopwatch.GetTimestamp() - start;
                    rows += selected?.Length ?? block.Rows;
                }

                var task = TaskContext.Current;
                var moved = DeviceTransfers.OnThisThread - transfersBefore;
                long[] transfers = [moved.BlockUploads, moved.BytesUploaded, moved.BytesDownloaded];
                return new[] { (sums, rows, (double)kernel / Stopwatch.Frequency, fetch, task?.JobId ?? -1, task?.StageId ?? -1, transfers) };
            });
            result = await partials.TreeAggregateAsync(Empty, Merge, Merge, depth, cancellationToken).ConfigureAwait(false);
            aggregated = IterationRecorder.Now;
        }
        finally
        {
            await broadcast.DestroyAsync().ConfigureAwait(false);
        }

        var ended = IterationRecorder.Now;
        recorder?.AddPass(new PassTiming(started, broadcasted, aggregated, ended, result.JobId, result.StageId, result.KernelSeconds,
            result.FetchSeconds, MessagePackSizes.Float64Array(model.Length), (long)blocks.NumPartitions * MessagePackSizes.Partial(sumsLength),
            result.Transfers.Length == 3 ? new TransferCounts(result.Transfers[0], result.Transfers[1], result.Transfers[2]) : default));
        return new PassResult(result.Sums.Length == sumsLength ? result.Sums : new double[sumsLength], result.Rows);
    }

    /// <summary>Bernoulli sampling of a block's rows: each kept with probability <paramref name="fraction"/>, ascending.</summary>
    internal static int[] Sample(Random random, int rows, double fraction)
    {
        var kept = new List<int>((int)Math.Min(rows, (rows * fraction) + 16));
        for (var i = 0; i < rows; i++)
        {
            if (random.NextDouble() < fraction)
            {
                kept.Add(i);
            }
        }

        return [.. kept];
    }

    // Adds b into a (a's array is the aggregation's own: a fresh partial or an earlier merge, never shared).
    private static (double[] Sums, long Rows, double KernelSeconds, double FetchSeconds, int JobId, int StageId, long[] Transfers) Merge(
        (double[] Sums, long Rows, double KernelSeconds, double FetchSeconds, int JobId, int StageId, long[] Transfers) a,
        (double[] Sums, long Rows, double KernelSeconds, double FetchSeconds, int JobId, int StageId, long[] Transfers) b)
    {
        var sums = a.Sums;
        if (sums.Length == 0)
        {
            sums = b.Sums;
        }
        else if (b.Sums.Length != 0)
        {
            TensorPrimitives.Add(sums, b.Sums, sums);
        }

        // Transfers add up over the partitions (a fresh 3-array per partial, or the seed's empty one).
        var transfers = a.Transfers.Length == 0 ? b.Transfers : a.Transfers;
        if (a.Transfers.Length != 0 && b.Transfers.Length != 0)
        {
            for (var i = 0; i < transfers.Length; i++)
            {
                transfers[i] += b.Transfers[i];
            }
        }

        return (sums, a.Rows + b.Rows, Math.Max(a.KernelSeconds, b.KernelSeconds), Math.Max(a.FetchSeconds, b.FetchSeconds),
            Math.Max(a.JobId, b.JobId), Math.Max(a.StageId, b.StageId), transfers);
    }
}
