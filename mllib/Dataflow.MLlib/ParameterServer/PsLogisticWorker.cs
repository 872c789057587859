using System.Diagnostics;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;
using static Dataflow.MLlib.ParameterServer.PsWorkerSteps;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// One PS worker of logistic regression: a task of the barrier stage over one data partition, looping pull → kernel
/// over its mini-batch → push → clock.
/// </summary>
/// <remarks>
/// <para><b>Gradient scale.</b> Each worker pushes, for key k, <c>(|T_k| / n) · (n_w / b_w) · Σ_batch ∇_k loss</c>,
/// where |T_k| is how many workers' data touch k (found once, through the shards), n the rows of the whole set, n_w
/// and b_w the rows of the worker's partition and batch. Every worker touching k applies its own updater step (L2 λ·w_k
/// included), so the fixed point of a clock's steps is <c>|T_k|·(∂/∂w_k)(mean loss + (λ/2)‖w‖²) = 0</c>: the driver
/// mode's objective, however the keys are spread over the partitions (without the |T_k| factor a key touched by few
/// workers would get less regularisation than the objective asks for).</para>
/// <para><b>Retries.</b> A relaunched attempt (attempt number &gt; 0) restores the last complete snapshot (or the zero
/// model) before any worker resumes; every worker then continues from that clock.</para>
/// </remarks>
internal static class PsLogisticWorker
{
    /// <summary>Runs the worker on the task's own thread: the kernels run there (with the task's context), and a pull
    /// the bound does not allow yet blocks it until the shard serves the read.</summary>
    public static PsWorkerStats Run(BarrierTaskContext context, IEnumerable<InstanceBlock> partition, PsLogisticJob job)
    {
        var blocks = partition.ToList();
        var worker = context.PartitionId;
        var d = job.Features;
        var ranges = new KeyRanges(d + 1, job.Shards);
        var shards = ShardDirectory.Resolve(job.RunId, ranges, job.Settings);
        var cancellation = context.TaskContext.CancellationToken;

        var start = RestoreOnRetry(context, job.SnapshotDirectory, job.Shards, shards);

        var cache = context.TaskContext.ExecutorLocals.GetOrAdd(PsClientCaches.KeyOf(job.RunId), () => new PsClientCaches()).For(worker);
        cache.Clear();
        var consistency = Consistency.Parse(job.Consistency);
        var asynchronous = consistency.IsAsynchronous;
        var client = new PsClient(worker, ranges, shards, consistency, cache, start);
        var keys = TouchedKeys(blocks, d);
        Block(client.RegisterTouchesAsync(keys));
        context.Barrier();
        var touches = Block(client.TouchCountsAsync(keys));

        var rows = blocks.Sum(b => (long)b.Rows);
        var coefficients = new double[d];
        var gradient = new double[d + 1];
        var values = new double[keys.Length];
        var push = new double[keys.Length];
        var clocks = job.Iterations - start;
        var compute = new double[Math.Max(0, clocks)];
        var communication = new double[compute.Length];
        var ends = new double[compute.Length];
        var sentPerClock = new long[compute.Length];
        var receivedPerClock = new long[compute.Length];
        var slept = new double[compute.Length];
        var slowdowns = job.Slowdowns.Where(s => s.Worker == worker).ToDictionary(s => s.Clock, s => s.Factor);
        var watch = new Stopwatch();
        var began = Stopwatch.GetTimestamp();
        var end = job.Iterations;
        for (var c = start; c < job.Iterations; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (job.MaxSeconds is { } limit && c > start && Stopwatch.GetElapsedTime(began).TotalSeconds >= limit)
            {
                end = c;
                EndEarly(client, consistency, c, job.Iterations);
                break;
            }

            var (sentBefore, receivedBefore) = (client.BytesSent, client.BytesReceived);
            watch.Restart();
            Block(client.PullAsync(keys, values, cancellation));
            var pulled = watch.Elapsed.TotalSeconds;

            watch.Restart();
            for (var j = 0; j < keys.Length - 1; j++)
            {
                coefficients[keys[j]] = values[j];
            }

            var intercept = values[^1];
            var batch = 0L;
            for (var b = 0; b < blocks.Count; b++)
            {
                var sample = Sample(job.Seed, job.BatchFraction, blocks[b], worker, b, c);
                batch += sample?.Length ?? blocks[b].Rows;
                job.Kernels.BinaryLogistic(blocks[b], coefficients, intercept, gradient, sample);
            }

            var scale = batch == 0 ? 0 : (double)rows / batch / job.Rows;
            for (var j = 0; j < keys.Length; j++)
            {
                push[j] = gradient[keys[j]] * touches[j] * scale;
                gradient[keys[j]] = 0;
            }

            compute[c - start] = watch.Elapsed.TotalSeconds;
            if (slowdowns.TryGetValue(c, out var factor) && factor > 1)
            {
                slept[c - start] = Straggle(watch, compute[c - start], factor);
                compute[c - start] += slept[c - start];
            }

            watch.Restart();
            Block(client.PushAsync(keys, push));
            Block(client.ClockAsync());
            var wait = client.WaitSecondsPerClock[^1];
            communication[c - start] = Math.Max(0, pulled + watch.Elapsed.TotalSeconds - wait);
            ends[c - start] = Stopwatch.GetElapsedTime(began).TotalSeconds;
            sentPerClock[c - start] = client.BytesSent - sentBefore;
            receivedPerClock[c - start] = client.BytesReceived - receivedBefore;
            if (asynchronous)
            {
                // ASP never waits, so with more workers than cores (local mode) one thread could run hundreds of clocks
                // in one time slice and train on its partition alone; giving up the core after each clock keeps
                // the workers' rates close, as separate machines would.
                Thread.Yield();
            }
        }

        var ran = end - start;
        return new PsWorkerStats(worker, start, end, rows, keys.Length, client.BytesSent, client.BytesReceived, client.PullMessages,
            client.CachedReads, client.BlockedReads, client.MaxStaleness, compute[..ran], communication[..ran], [.. client.WaitSecondsPerClock.Take(ran)],
            ends[..ran], sentPerClock[..ran], receivedPerClock[..ran], slept[..ran]);
    }

    /// <summary>
    /// A worker stopped by the time limit after <paramref name="clock"/> clocks ends further clocks without updates, so
    /// that no other worker waits for it at the bound and every update already pushed is committed. Another worker
    /// started its last clock before the limit passed, so it is at most s + 1 clocks past this one's (it read at most s
    /// clocks ahead of the slowest): s + 1 empty clocks cover it. ASP has no bound: every remaining clock.
    /// </summary>
    private static void EndEarly(PsClient client, Consistency consistency, int clock, int iterations)
    {
        var until = consistency.IsAsynchronous ? iterations : (int)Math.Min(iterations, (long)clock + consistency.Staleness!.Value + 1);
        for (var c = clock; c < until; c++)
        {
            Block(client.ClockAsync());
        }
    }

    // Task code is synchronous on executor threads (as in Spark): waiting here keeps the compute on the task's thread.
    // The keys the partition's rows touch, ascending, with the intercept (key d) last.
    private static int[] TouchedKeys(List<InstanceBlock> blocks, int d)
    {
        if (blocks.Any(b => !b.IsSparse && b.Rows > 0))
        {
            return [.. Enumerable.Range(0, d + 1)];
        }

        var seen = new bool[d];
        foreach (var block in blocks)
        {
            foreach (var index in block.Indices)
            {
                seen[index] = true;
            }
        }

        var keys = new List<int>();
        for (var k = 0; k < d; k++)
        {
            if (seen[k])
            {
                keys.Add(k);
            }
        }

        keys.Add(d);
        return [.. keys];
    }
}
