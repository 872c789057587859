using System.Diagnostics;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>The steps every parameter-server worker loop takes alike (logistic regression, matrix factorisation).</summary>
internal static class PsWorkerSteps
{
    /// <summary>Waits for a shard call on the task's own thread (PS workers are tasks, never grain turns).</summary>
    public static void Block(Task task) => task.GetAwaiter().GetResult();

    /// <inheritdoc cref="Block(Task)"/>
    public static T Block<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>
    /// The clock this attempt starts from: 0 for the first attempt; for a relaunched one the last complete snapshot
    /// (or 0 without snapshots), which worker 0 restores on every shard before all workers meet at a barrier.
    /// </summary>
    public static int RestoreOnRetry(BarrierTaskContext context, string? snapshotDirectory, int shardCount, IReadOnlyList<IParameterShard> shards)
    {
        if (context.TaskContext.AttemptNumber == 0)
        {
            return 0;
        }

        var start = snapshotDirectory is { } directory ? ShardSnapshot.LatestComplete(directory, shardCount) : 0;
        if (context.PartitionId == 0)
        {
            Block(Task.WhenAll(shards.Select(s => s.RestoreAsync(start))));
        }

        context.Barrier();
        return start;
    }

    /// <summary>
    /// An injected straggler clock (<see cref="ClockSlowdown"/>): sleeps, keeping the CPU free for the other workers,
    /// until <paramref name="watch"/> reads <paramref name="factor"/> × <paramref name="kernels"/> seconds (whole
    /// milliseconds, rounded up: at least that long). Returns the seconds slept.
    /// </summary>
    public static double Straggle(Stopwatch watch, double kernels, double factor)
    {
        var until = kernels * factor;
        // The remaining time is read once per sleep: read twice, it could turn negative in between under load
        // (Thread.Sleep(-30 ms) throws, which failed the task).
        for (var remaining = until - watch.Elapsed.TotalSeconds; remaining > 0; remaining = until - watch.Elapsed.TotalSeconds)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(remaining * 1000)));
        }

        return watch.Elapsed.TotalSeconds - kernels;
    }

    /// <summary>
    /// A block's rows in this clock's mini-batch (null: all), drawn from a Random seeded by (seed, worker, block, clock)
    /// so a rerun from a snapshot draws the same batches.
    /// </summary>
    public static int[]? Sample(long seed, double fraction, InstanceBlock block, int worker, int b, int clock)
    {
        if (fraction >= 1)
        {
            return null;
        }

        var h = (ulong)seed;
        foreach (var part in new[] { worker, b, clock })
        {
            h = (h ^ (uint)part) * 0x9E3779B97F4A7C15UL;
            h ^= h >> 29;
        }

        return BlockPass.Sample(new Random((int)(h ^ (h >> 32))), block.Rows, fraction);
    }
}
