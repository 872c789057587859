using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.MLlib.Clustering;
using Dataflow.MLlib.Linalg;

namespace Dataflow.Benchmarks;

/// <summary>
/// k-means through the engine (<c>-- mllib-kmeans</c>): 1M × 100 dense rows in 10 overlapping Gaussian blobs,
/// generated inside the partitions (never on the driver), k = 10, in <c>local[2]</c>; reports the seconds per Lloyd
/// iteration and where they went (<see cref="KMeansSummary.Timings"/>).
/// </summary>
/// <remarks>
/// The rows are packed into float32 blocks and cached by the first job, so the iterations read 400 MB of cached
/// blocks each: one engine job per iteration (broadcast of the 10 centres, the assignment kernel per block, a tree
/// aggregation of 10 × 100 sums). Tolerance 0 and a fixed iteration limit keep the number of iterations fixed unless
/// the assignment stops changing exactly.
/// </remarks>
internal static class MllibKMeansBenchmarks
{
    private const int Rows = 1_000_000;
    private const int Features = 100;
    private const int Clusters = 10;
    private const int Partitions = 2;
    private const int Iterations = 10;

    public static async Task RunAsync(StringBuilder results)
    {
        results.AppendLine(CultureInfo.InvariantCulture, $"## k-means, {Rows:N0} × {Features} dense, k = {Clusters}, local[{Partitions}], {Partitions} partitions");
        results.AppendLine();
        if (File.Exists("/proc/loadavg"))
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average at the start (the machine is shared): {File.ReadAllText("/proc/loadavg").Trim()}.");
        await using var ctx = new DataflowContext($"local[{Partitions}]");
        var points = ctx.Parallelize(Enumerable.Range(0, Partitions).ToList(), Partitions)
            .SelectMany(p => Generate(p, Rows / Partitions));
        var clock = Stopwatch.StartNew();
        var model = await new KMeans { K = Clusters, MaxIterations = Iterations, Tolerance = 0, Seed = 1 }.FitAsync(points);
        var total = clock.Elapsed.TotalSeconds;
        var summary = model.Summary!;
        var timings = summary.Timings;
        results.AppendLine(CultureInfo.InvariantCulture,
            $"Initialisation (generating and packing the rows into cached blocks, k-means|| with 2 steps): {summary.InitializationTime.TotalSeconds:F2} s; total fit {total:F2} s; final cost {summary.Cost:G6}.");
        results.AppendLine();
        results.AppendLine("| iteration | wall (s) | broadcast | scheduling | compute | aggregate | driver | max kernel per task (s) |");
        results.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in timings)
        {
            results.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Iteration} | {t.WallSeconds:F3} | {t.BroadcastSeconds:F4} | {t.SchedulingSeconds:F4} | {t.ComputeSeconds:F3} | {t.AggregateSeconds:F4} | {t.DriverSeconds:F4} | {t.MaxKernelSeconds:F3} |");
        }

        var walls = timings.Select(t => t.WallSeconds).Order().ToArray();
        var median = walls[walls.Length / 2];
        var kernel = timings.Select(t => t.MaxKernelSeconds).Order().ToArray()[walls.Length / 2];
        var gigabytes = (double)Rows * Features * sizeof(float) / 1e9;
        results.AppendLine();
        results.AppendLine(CultureInfo.InvariantCulture,
            $"**Seconds per Lloyd iteration: median {median:F3} s, best {walls[0]:F3} s over {walls.Length} iterations** ({gigabytes / median:F2} GB/s of cached float32 rows per iteration at the median; the kernel itself took a median {kernel:F3} s in the slowest task, so the engine's share of an iteration is {Math.Max(0, median - kernel):F3} s).");
        results.AppendLine();
    }

    // Rows of 10 blobs whose centres (uniform in [0, 1.2]^100) lie about 5 apart, with noise uniform in ±1 per feature:
    // overlapping enough that Lloyd keeps moving for a while. Each partition draws from its own seeded generator.
    private static IEnumerable<Vector> Generate(int partition, int count)
    {
        var random = new Random(1_000 + partition);
        var centers = Enumerable.Range(0, Clusters).Select(c => Enumerable.Range(0, Features).Select(j => new Random((c * 7919) + j).NextDouble() * 1.2).ToArray()).ToArray();
        for (var i = 0; i < count; i++)
        {
            var center = centers[random.Next(Clusters)];
            var values = new double[Features];
            for (var j = 0; j < Features; j++)
                values[j] = center[j] + ((random.NextDouble() - 0.5) * 2);
            yield return Vectors.Dense(values);
        }
    }
}
