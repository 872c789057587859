using System.Diagnostics;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Recommendation;
using static Dataflow.MLlib.ParameterServer.PsWorkerSteps;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// One PS worker of matrix factorisation: a task of the barrier stage over one partition of ratings, looping pull
/// (the factor rows its ratings touch) → squared-error gradient of its mini-batch with the kernel → push → clock.
/// </summary>
/// <remarks>
/// <para><b>Offsets from the start.</b> The shards start every key at 0 (as for logistic regression), but zero factors
/// are a saddle point; so the shards hold the <i>offset</i> Δ from the seeded start X₀ (<see cref="FactorInitialization"/>,
/// a pure function of the seed a worker evaluates for its own rows) and a worker computes at X = X₀ + Δ. The gradient
/// with respect to Δ is the gradient with respect to X. For the same reason the L2 term is added here, λ·X, rather
/// than by the servers' updater (which would see Δ): the shards' updater runs with λ = 0.</para>
/// <para><b>Gradient scale.</b> As for logistic regression (<see cref="PsLogisticWorker"/>): for key k the worker
/// pushes <c>|T_k| · (n_w / b_w) · (1/N) · Σ_batch ∇_k e² + λ·X_k</c>, where |T_k| is how many workers' ratings touch
/// k's row, N the ratings of the whole set, n_w and b_w those of the partition and its batch; the |T_k| updater steps
/// a clock makes on k then have the fixed point of the objective, MSE + (λ/2)‖X‖².</para>
/// <para><b>Retries.</b> A relaunched attempt restores the last complete snapshot (or the zero offsets: the start)
/// before any worker resumes; every worker then continues from that clock.</para>
/// </remarks>
internal static class PsMatrixFactorizationWorker
{
    /// <summary>Runs the worker on the task's own thread.</summary>
    public static PsWorkerStats Run(BarrierTaskContext context, IEnumerable<InstanceBlock> partition, PsMatrixFactorizationJob job)
    {
        var blocks = partition.ToList();
        var worker = context.PartitionId;
        var ranges = new KeyRanges(job.Keys, job.Shards);
        var shards = ShardDirectory.Resolve(job.RunId, ranges, job.Settings);
        var cancellation = context.TaskContext.CancellationToken;

        var start = RestoreOnRetry(context, job.SnapshotDirectory, job.Shards, shards);

        var cache = context.TaskContext.ExecutorLocals.GetOrAdd(PsClientCaches.KeyOf(job.RunId), () => new PsClientCaches()).For(worker);
        cache.Clear();
        var consistency = Consistency.Parse(job.Consistency);
        var client = new PsClient(worker, ranges, shards, consistency, cache, start);
        var keys = TouchedKeys(blocks, job.Rank);
        Block(client.RegisterTouchesAsync(keys));
        context.Barrier();
        var touches = Block(client.TouchCountsAsync(keys));

        var initial = new double[keys.Length];
        for (var j = 0; j < keys.Length; j++)
        {
            initial[j] = job.Start is { } given ? given[keys[j]] : FactorInitialization.Value(job.Seed, keys[j] / job.Rank, keys[j] % job.Rank, job.Rank, job.InitScale);
        }

        var rows = blocks.Sum(b => (long)b.Rows);
        var factors = new double[job.Keys];
        var gradient = new double[job.Keys];
        var values = new double[keys.Length];
        var push = new double[keys.Length];
        var clocks = Math.Max(0, job.Iterations - start);
        var compute = new double[clocks];
        var communication = new double[clocks];
        var ends = new double[clocks];
        var sentPerClock = new long[clocks];
        var receivedPerClock = new long[clocks];
        var slept = new double[clocks];
        var slowdowns = job.Slowdowns.Where(s => s.Worker == worker).ToDictionary(s => s.Clock, s => s.Factor);
        var watch = new Stopwatch();
        var began = Stopwatch.GetTimestamp();
        for (var c = start; c < job.Iterations; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (sentBefore, receivedBefore) = (client.BytesSent, client.BytesReceived);
            watch.Restart();
            Block(client.PullAsync(keys, values, cancellation));
            var pulled = watch.Elapsed.TotalSeconds;

            watch.Restart();
            for (var j = 0; j < keys.Length; j++)
            {
                factors[keys[j]] = initial[j] + values[j];
            }

            var batch = 0L;
            for (var b = 0; b < blocks.Count; b++)
            {
                var sample = Sample(job.Seed, job.BatchFraction, blocks[b], worker, b, c);
                batch += sample?.Length ?? blocks[b].Rows;
                job.Kernels.MatrixFactorization(blocks[b], job.Users, job.Rank, factors, gradient, sample);
            }

            var scale = batch == 0 ? 0 : (double)rows / batch / job.Ratings;
            for (var j = 0; j < keys.Length; j++)
            {
                var k = keys[j];
                push[j] = (gradient[k] * touches[j] * scale) + (job.RegParam * factors[k]);
                gradient[k] = 0;
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
            if (consistency.IsAsynchronous)
            {
                // As for logistic regression: an ASP worker never waits, so it gives up the core after each clock to
                // keep the workers' rates close when there are more workers than cores.
                Thread.Yield();
            }
        }

        return new PsWorkerStats(worker, start, client.Clock, rows, keys.Length, client.BytesSent, client.BytesReceived, client.PullMessages,
            client.CachedReads, client.BlockedReads, client.MaxStaleness, compute, communication, [.. client.WaitSecondsPerClock],
            ends, sentPerClock, receivedPerClock, slept);
    }

    // Task code is synchronous on executor threads (as in Spark): waiting here keeps the compute on the task's thread.
    // The scalar keys of every factor row the partition's ratings touch, ascending.
    private static int[] TouchedKeys(List<InstanceBlock> blocks, int rank)
    {
        var rows = new SortedSet<int>();
        foreach (var block in blocks)
        {
            foreach (var row in block.Indices)
            {
                rows.Add(row);
            }
        }

        var keys = new int[rows.Count * rank];
        var j = 0;
        foreach (var row in rows)
        {
            for (var f = 0; f < rank; f++)
            {
                keys[j++] = (row * rank) + f;
            }
        }

        return keys;
    }
}
