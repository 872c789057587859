using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.RddModel;
using Dataflow.MLlib.Training;

namespace Dataflow.Benchmarks;

/// <summary>
/// Sparse binary logistic regression, the three training modes on the same data (local[2]): driver (broadcast the
/// weights, tree-aggregate the gradient), rdd (the model in an RDD: parameters out and gradients back through two
/// shuffles per iteration), ps (pull/push against parameter shards). Per-iteration time and bytes moved, for 10^4,
/// 10^6 and 10^7 parameters, in local[2] and on 2 real worker processes (cluster-config/local-cluster.sh; ps through
/// the parameter-shard grains the workers host).
/// </summary>
internal static class RddModelBenchmarks
{
    private const int Rows = 20_000;
    private const int NonZeros = 20;

    public static async Task RunAsync(StringBuilder results, IReadOnlyList<int> sizes, int iterations, string work, bool cluster)
    {
        results.AppendLine(CultureInfo.InvariantCulture, $"## Model size: driver vs rdd vs ps, sparse LR ({Rows:N0} rows × {NonZeros} non-zeros, {iterations} iterations, AdaGrad/SGD)");
        results.AppendLine();
        if (File.Exists("/proc/loadavg"))
        {
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average at the start (the machine is shared): {File.ReadAllText("/proc/loadavg").Trim()}.");
            results.AppendLine();
        }

        results.AppendLine("| master | parameters | mode | s per iteration | bytes per iteration | what the bytes are | shuffle write s | shuffle fetch wait s |");
        results.AppendLine("|---|---|---|---|---|---|---|---|");
        await RunOnAsync(results, sizes, iterations, "local[2]", "local[2]");
        if (cluster)
        {
            var repo = ClusterBenchmarks.FindRepo();
            var runDir = Path.Combine(work, "rdd-model-cluster-run");
            var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
            var master = ClusterBenchmarks.Run(script, runDir, "start", "2", "--slots", "1").Trim().Split('\n')[^1];
            try
            {
                await RunOnAsync(results, sizes, iterations, master, "2 real workers × 1 slot");
            }
            finally
            {
                ClusterBenchmarks.Run(script, runDir, "stop");
            }
        }

        if (File.Exists("/proc/loadavg"))
        {
            results.AppendLine();
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}.");
        }

        results.AppendLine();
    }

    private static async Task RunOnAsync(StringBuilder results, IReadOnlyList<int> sizes, int iterations, string master, string label)
    {
        foreach (var features in sizes)
        {
            var points = Generate(features, seed: 3);
            await using var ctx = new DataflowContext(new Dataflow.Configuration.DataflowOptions { Master = master });
            var data = ctx.Parallelize(points, 2).Cache();
            _ = await data.CountAsync();
            var driver = await new LogisticRegression { Optimizer = TrainingOptimizer.Sgd, MaxIterations = iterations, Tolerance = 0, RegParam = 1e-4 }
                .FitAsync(data);
            var it = driver.Summary!.Iterations;
            Row(results, label, features, "driver", it.Average(i => i.WallSeconds), it.Average(i => (double)(i.BroadcastBytes + i.PartialResultBytes)), "broadcast + partials");

            var rdd = await new RddModelLogisticRegression { MaxIterations = iterations, RegParam = 1e-4 }.FitAsync(data);
            Row(results, label, features, "rdd", rdd.Iterations.Average(i => i.WallSeconds), rdd.Iterations.Average(i => (double)i.ShuffleWriteBytes), "shuffle written",
                rdd.Iterations.Average(i => i.ShuffleWriteSeconds), rdd.Iterations.Average(i => i.ShuffleFetchWaitSeconds));

            var clock = Stopwatch.StartNew();
            var (_, ps) = await new PsLogisticRegression { Iterations = iterations, RegParam = 1e-4 }.FitAsync(data);
            Row(results, label, features, "ps", clock.Elapsed.TotalSeconds / iterations, (double)(ps.BytesSent + ps.BytesReceived) / iterations, "pull + push");
            await data.UnpersistAsync();
        }
    }

    private static void Row(StringBuilder results, string master, int features, string mode, double seconds, double bytes, string what,
        double? writeSeconds = null, double? fetchSeconds = null) =>
        results.AppendLine(CultureInfo.InvariantCulture,
            $"| {master} | {features:N0} | {mode} | {seconds:F3} | {bytes / 1e6:F2} MB | {what} | {(writeSeconds is { } w ? w.ToString("F3", CultureInfo.InvariantCulture) : "")} | {(fetchSeconds is { } f ? f.ToString("F3", CultureInfo.InvariantCulture) : "")} |");

    private static List<LabeledPoint> Generate(int features, int seed)
    {
        var random = new Random(seed);
        var points = new List<LabeledPoint>(Rows);
        for (var r = 0; r < Rows; r++)
        {
            var indices = new SortedSet<int>();
            while (indices.Count < NonZeros)
            {
                indices.Add(random.Next(features));
            }

            var ix = indices.ToArray();
            var label = (ix[0] + ix[1]) % 2 == 0 ? 1.0 : 0.0;
            points.Add(new LabeledPoint(label, Vectors.Sparse(features, ix, [.. ix.Select(_ => 1.0)])));
        }

        return points;
    }
}
