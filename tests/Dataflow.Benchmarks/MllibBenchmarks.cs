using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Training;
using Dataflow.Storage;

namespace Dataflow.Benchmarks;

/// <summary>
/// Driver-mode training passes through the engine (`-- mllib`): the logistic-gradient pass over cached dense blocks
/// against a memory copy and a plain loop measured in the same run, and the fixed cost of one iteration (near-zero
/// compute) as the model grows, in local mode and on a cluster of 2 real worker processes.
/// </summary>
/// <remarks>
/// A pass is exactly what one objective evaluation of <c>LogisticRegression</c> runs (<see cref="BlockPass"/>:
/// broadcast the model, a kernel per cached block, tree-aggregate the float64 gradient, destroy the broadcast), so
/// the numbers are those of training, without the optimizer's step.
/// </remarks>
internal static class MllibBenchmarks
{
    private const int DenseRows = 1_000_000;
    private const int DenseFeatures = 100;
    private const int FixedCostPartitions = 8;
    private const int FixedCostRows = 16;

    /// <summary>`--trace`: print the scheduler's timeline of the last passes at each size to stderr.</summary>
    public static bool Trace { get; set; }

    private static readonly int[] FixedCostSizes = [10, 1_000, 10_000, 100_000, 1_000_000];

    public static async Task RunAsync(StringBuilder results, string work, bool cluster)
    {
        results.AppendLine(CultureInfo.InvariantCulture, $"## MLlib driver-mode passes, {Environment.ProcessorCount} cores");
        results.AppendLine();
        AppendLoad(results);
        var summary = new List<string>();
        await GradientPassAsync(results, summary);
        GC.Collect();
        await FixedCostBothAsync(results, summary, work, cluster, FixedCostSizes, null);
        summary.ForEach(line => results.AppendLine(line));
        results.AppendLine();
    }

    /// <summary>Only the fixed-cost section (`-- mllib-fixed`): quick to rerun while working on the engine's per-job costs.</summary>
    public static async Task FixedCostOnlyAsync(StringBuilder results, string work, bool cluster, int[]? sizes, int? passes)
    {
        results.AppendLine(CultureInfo.InvariantCulture, $"## MLlib fixed cost of one driver-mode iteration, {Environment.ProcessorCount} cores");
        results.AppendLine();
        AppendLoad(results);
        var summary = new List<string>();
        await FixedCostBothAsync(results, summary, work, cluster, sizes ?? FixedCostSizes, passes);
        AppendLoad(results, "at the end");
        summary.ForEach(line => results.AppendLine(line));
        results.AppendLine();
    }

    private static void AppendLoad(StringBuilder results, string when = "at the start")
    {
        if (File.Exists("/proc/loadavg"))
        {
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average {when} (the machine is shared): {File.ReadAllText("/proc/loadavg").Trim()}.");
            results.AppendLine();
        }
    }

    private static async Task FixedCostBothAsync(StringBuilder results, List<string> summary, string work, bool cluster, int[] sizes, int? passes)
    {
        await FixedCostAsync(results, summary, "local[2]", "local[2]", sizes, passes);
        if (cluster)
        {
            var repo = ClusterBenchmarks.FindRepo();
            var runDir = Path.Combine(work, "mllib-cluster-run");
            var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
            var master = ClusterBenchmarks.Run(script, runDir, "start", "2", "--slots", "1").Trim().Split('\n')[^1];
            try
            {
                await FixedCostAsync(results, summary, master, "2 real workers × 1 slot", sizes, passes);
            }
            finally
            {
                ClusterBenchmarks.Run(script, runDir, "stop");
            }
        }
    }

    /// <summary>The logistic gradient over 1M × 100 float32 cached in 2 partitions, in local[2].</summary>
    private static async Task GradientPassAsync(StringBuilder results, List<string> summary)
    {
        const double bytes = 4.0 * DenseRows * DenseFeatures;
        var copy1 = MllibKernelBenchmarks.MemoryCopy(1);
        var copy2 = MllibKernelBenchmarks.MemoryCopy(2);
        var w = MllibKernelBenchmarks.Weights(DenseFeatures, 11);

        // The plain single-threaded C# loop, float64 throughout, over the same rows the tasks generate.
        var scalar = double.MaxValue;
        double scalarLoss;
        {
            var blocks = new[] { MllibKernelBenchmarks.DenseBlock(0, DenseRows / 2), MllibKernelBenchmarks.DenseBlock(1, DenseRows / 2) };
            var g = new double[DenseFeatures + 1];
            scalarLoss = 0;
            for (var run = 0; run < 3; run++)
            {
                Array.Clear(g);
                var sw = Stopwatch.StartNew();
                scalarLoss = blocks.Sum(b => MllibKernelBenchmarks.ScalarLogistic(b, w, 0.1, g));
                scalar = Math.Min(scalar, sw.Elapsed.TotalSeconds);
            }
        }

        GC.Collect();
        await using var ctx = new DataflowContext("local[2]");
        var cached = ctx.Range(0, 2, 1, 2)
            .SelectPartitions((index, _) => new[] { MllibKernelBenchmarks.DenseBlock(index, DenseRows / 2) })
            .Persist(StorageLevel.MemoryOnly);
        await cached.CountAsync();
        var model = new double[DenseFeatures + 1];
        w.CopyTo(model, 0);
        model[DenseFeatures] = 0.1;
        var contribution = Contributions.BinaryLogistic(new SimdKernels(), DenseFeatures);
        var (timings, loss) = await PassesAsync(ctx, cached, model, contribution, warmUps: 2, passes: 7);
        if (Math.Abs(loss - scalarLoss) > 1e-9 * scalarLoss)
        {
            throw new InvalidOperationException($"The engine pass's loss {loss} differs from the plain loop's {scalarLoss}.");
        }

        var best = timings.Min(t => t.WallSeconds);
        var compute = timings.Min(t => t.ComputeSeconds);
        var kernel = timings.Min(t => t.MaxKernelSeconds);
        results.AppendLine("### Logistic-gradient pass, dense 1M × 100 float32 (400 MB) cached in 2 partitions, local[2]");
        results.AppendLine();
        results.AppendLine("Best of 7 passes after 2 warm-ups. GB/s = 10^9 bytes of feature data read per second; the copy reads and writes each byte once.");
        results.AppendLine();
        results.AppendLine("| pass | best (s) | GB/s | vs 2-thread copy |");
        results.AppendLine("|---|---|---|---|");
        Row(results, "memory copy 400 MB, 1 thread", copy1.Best, bytes, copy2.Best);
        Row(results, "memory copy 400 MB, 2 threads", copy2.Best, bytes, copy2.Best);
        Row(results, "plain single-threaded C# loop (float64)", scalar, bytes, copy2.Best);
        Row(results, "engine pass, whole job (broadcast → aggregated gradient)", best, bytes, copy2.Best);
        Row(results, "engine pass, compute phase (first task start → last task end)", compute, bytes, copy2.Best);
        Row(results, "engine pass, longest task's kernel time", kernel, bytes, copy2.Best);
        results.AppendLine();
        summary.Add(string.Create(CultureInfo.InvariantCulture,
            $"- Gradient pass in local[2]: {bytes / best / 1e9:F2} GB/s for the whole job = {copy2.Best / best:P0} of the 2-thread copy (target ≥ 50 %, 70 % long-term), {scalar / best:F1}× the plain loop."));
    }

    /// <summary>The cost of one pass with next to nothing to compute, as the model (and the gradient) grows.</summary>
    private static async Task FixedCostAsync(StringBuilder results, List<string> summary, string master, string label, int[] sizes, int? passCount)
    {
        results.AppendLine(CultureInfo.InvariantCulture,
            $"### Fixed cost of one iteration, {label}: {FixedCostPartitions} cached partitions of {FixedCostRows} sparse rows (1 entry each)");
        results.AppendLine();
        results.AppendLine("Median over the passes after warm-up (at least 5 passes and 2 s); the phases are the driver-clock cut of `IterationTimings` (broadcast includes destroying it).");
        results.AppendLine();
        results.AppendLine("| d | passes | median pass (ms) | broadcast | scheduling | compute | aggregate | broadcast bytes | partial-result bytes |");
        results.AppendLine("|---|---|---|---|---|---|---|---|---|");
        await using var ctx = new DataflowContext(master);
        var timeline = Trace ? new JobTimeline() : null;
        if (timeline is not null)
        {
            ctx.Listeners.Add(timeline);
        }

        foreach (var d in sizes)
        {
            var blocks = ctx.Range(0, FixedCostPartitions, 1, FixedCostPartitions)
                .SelectPartitions((index, _) => new[] { TinySparseBlock(index, d) })
                .Persist(StorageLevel.MemoryOnly);
            await blocks.CountAsync();
            var passes = passCount ?? (d <= 10_000 ? 50 : d <= 100_000 ? 20 : 10);
            // Warm-up: at least 5 passes and 2 s, so that the JIT's tiering has settled (on a loaded machine the tier-1
            // compiles lag, and passes of tier-0 code would count as the engine's fixed cost).
            var (timings, _) = await PassesAsync(ctx, blocks, new double[d + 1], Contributions.BinaryLogistic(new SimdKernels(), d),
                warmUps: 5, passes, minWarmUp: TimeSpan.FromSeconds(2));
            await blocks.UnpersistAsync();
            if (timeline is not null)
            {
                await ctx.Listeners.FlushAsync();
                Console.Error.WriteLine($"--- {label}, d = {d}: the last passes' jobs (ms from job start)");
                Console.Error.WriteLine(timeline.Format(2));
            }

            var median = Median(timings, t => t.WallSeconds);
            results.AppendLine(CultureInfo.InvariantCulture,
                $"| {d:N0} | {passes} | {median * 1e3:F2} | {Median(timings, t => t.BroadcastSeconds) * 1e3:F2} | {Median(timings, t => t.SchedulingSeconds) * 1e3:F2} | {Median(timings, t => t.ComputeSeconds) * 1e3:F2} | {Median(timings, t => t.AggregateSeconds) * 1e3:F2} | {timings[0].BroadcastBytes:N0} | {timings[0].PartialResultBytes:N0} |");
            if (d == 10)
            {
                var target = master.StartsWith("local", StringComparison.Ordinal) ? "≤ 2 ms" : "≤ 10 ms";
                summary.Add(string.Create(CultureInfo.InvariantCulture, $"- Fixed cost of one iteration at d = 10, {label}: {median * 1e3:F2} ms median (target {target})."));
            }
        }

        results.AppendLine();
    }

    /// <summary>Runs warm-ups then measured passes, one iteration each, and returns the measured iterations' timings and the last loss.</summary>
    private static async Task<(List<IterationTimings> Timings, double Loss)> PassesAsync(DataflowContext ctx, Rdd<InstanceBlock> blocks,
        double[] model, BlockContribution contribution, int warmUps, int passes, TimeSpan minWarmUp = default)
    {
        await using var recorder = new IterationRecorder(ctx);
        var loss = 0.0;
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < warmUps + passes; i++)
        {
            if (i == warmUps && warming.Elapsed < minWarmUp && warmUps < 10_000)
            {
                // Still warming up: one more unrecorded pass.
                warmUps++;
            }

            if (i == warmUps)
            {
                recorder.Restart();
            }

            var result = await BlockPass.RunAsync(blocks, model, model.Length + 1, contribution, null, 2, i >= warmUps ? recorder : null,
                CancellationToken.None);
            loss = result.Sums[^1];
            if (i >= warmUps)
            {
                recorder.EndIteration(i - warmUps + 1, loss);
            }
        }

        return ([.. await recorder.CompleteAsync()], loss);
    }

    /// <summary>Partition <paramref name="index"/>'s block: rows with one entry each, at seeded columns below <paramref name="d"/>.</summary>
    private static InstanceBlock TinySparseBlock(int index, int d)
    {
        var rng = new Random(index);
        var offsets = Enumerable.Range(0, FixedCostRows + 1).ToArray();
        var indices = Enumerable.Range(0, FixedCostRows).Select(_ => rng.Next(d)).ToArray();
        var values = Enumerable.Range(0, FixedCostRows).Select(_ => 1f).ToArray();
        var labels = Enumerable.Range(0, FixedCostRows).Select(r => (double)(r % 2)).ToArray();
        return InstanceBlock.Sparse(d, offsets, indices, values, labels);
    }

    private static double Median(List<IterationTimings> timings, Func<IterationTimings, double> value)
    {
        var sorted = timings.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static void Row(StringBuilder results, string pass, double seconds, double bytes, double copySeconds) =>
        results.AppendLine(CultureInfo.InvariantCulture, $"| {pass} | {seconds:F4} | {bytes / seconds / 1e9:F2} | {copySeconds / seconds:P0} |");
}
