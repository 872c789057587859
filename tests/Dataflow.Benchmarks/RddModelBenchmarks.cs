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
/// 10^6 and optionally 10^7 parameters.
/// </summary>
internal static class RddModelBenchmarks
{
    private const int Rows = 20_000;
    private const int NonZeros = 20;
    private const int Iterations = 10;

    public static async Task RunAsync(StringBuilder results, IReadOnlyList<int> sizes)
    {
        results.AppendLine(CultureInfo.InvariantCulture, $"## Model size: driver vs rdd vs ps, sparse LR ({Rows:N0} rows × {NonZeros} non-zeros, local[2], {Iterations} iterations, AdaGrad/SGD)");
        results.AppendLine();
        results.AppendLine("| parameters | mode | s per iteration | bytes per iteration | what the bytes are |");
        results.AppendLine("|---|---|---|---|---|");
        foreach (var features in sizes)
        {
            var points = Generate(features, seed: 3);
            await using (var ctx = new DataflowContext("local[2]"))
            {
                var data = ctx.Parallelize(points, 2).Cache();
                _ = await data.CountAsync();
                var driver = await new LogisticRegression { Optimizer = TrainingOptimizer.Sgd, MaxIterations = Iterations, Tolerance = 0, RegParam = 1e-4 }
                    .FitAsync(data);
                var it = driver.Summary!.Iterations;
                Row(results, features, "driver", it.Average(i => i.WallSeconds), it.Average(i => (double)(i.BroadcastBytes + i.PartialResultBytes)), "broadcast + partials");

                var rdd = await new RddModelLogisticRegression { MaxIterations = Iterations, RegParam = 1e-4 }.FitAsync(data);
                Row(results, features, "rdd", rdd.Iterations.Average(i => i.WallSeconds), rdd.Iterations.Average(i => (double)i.ShuffleWriteBytes), "shuffle written");

                var clock = Stopwatch.StartNew();
                var (_, ps) = await new PsLogisticRegression { Iterations = Iterations, RegParam = 1e-4 }.FitAsync(data);
                Row(results, features, "ps", clock.Elapsed.TotalSeconds / Iterations, (double)(ps.BytesSent + ps.BytesReceived) / Iterations, "pull + push");
            }
        }

        results.AppendLine();
    }

    private static void Row(StringBuilder results, int features, string mode, double seconds, double bytes, string what) =>
        results.AppendLine(CultureInfo.InvariantCulture, $"| {features:N0} | {mode} | {seconds:F3} | {bytes / 1e6:F2} MB | {what} |");

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
