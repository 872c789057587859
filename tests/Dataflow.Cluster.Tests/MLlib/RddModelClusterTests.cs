using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.RddModel;

namespace Dataflow.Cluster.Tests.MLlib;

/// <summary>
/// The model kept in an RDD on the in-process cluster: parameter blocks, gradient contributions and the updater's
/// state cross the shuffles between workers, the parameters are checkpointed locally on the executors, and the
/// iterates are those local mode computes from the same partitions.
/// </summary>
public sealed class RddModelClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FitAsync_OnTheCluster_GivesTheIteratesOfLocalMode()
    {
        var random = new Random(8);
        var points = Enumerable.Range(0, 200).Select(_ =>
        {
            var indices = Enumerable.Range(0, 20).Where(_ => random.NextDouble() < 0.3).ToArray();
            var values = indices.Select(_ => Math.Round(random.NextDouble() * 2 - 1, 3)).ToArray();
            return new LabeledPoint(values.Sum() + (random.NextDouble() - 0.5) > 0 ? 1 : 0, Vectors.Sparse(20, indices, values));
        }).ToList();
        var results = new List<RddModelResult>();
        await SharedCluster.StartAsync();
        foreach (var master in new[] { SharedCluster.Master, "local[2]" })
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = master });
            results.Add(await new RddModelLogisticRegression
            {
                RegParam = 0.01, MaxIterations = 6, MiniBatchFraction = 0.7, BlockSize = 6, CheckpointEvery = 2, CollectIterates = 6,
            }.FitAsync(ctx.Parallelize(points, 4), Ct));
        }

        for (var t = 0; t < 6; t++)
        {
            var scale = results[1].Iterates[t].Max(Math.Abs);
            var error = results[1].Iterates[t].Zip(results[0].Iterates[t], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(error <= 1e-9 * scale, $"iterate {t + 1}: cluster and local differ by {error:R}");
        }

        Assert.Equal(3, results[0].Iterations.Count(i => i.Checkpointed));
        Assert.True(results[0].Iterations.All(i => i.ShuffleWriteBytes > 0));
    }

    /// <summary>
    /// The first 10,000 lines of the text data hashed into 2^16 features (the whole file at 2^20 takes minutes; see
    /// results/rdd-model.md): the mode's updater, step, batch fraction, block size and checkpoints on the cluster, with
    /// 250 iterations, reach within 1% of driver-mode L-BFGS run to 1e-12 (in local mode: an independent optimiser).
    /// </summary>
    [Fact]
    public async Task TextData_WithTheModeDefaults_OnTheCluster_ReachesTheDriverLbfgsOptimumWithinOnePercent()
    {
        const double lambda = 1e-4;
        const int features = 1 << 16;
        var dir = Directory.CreateTempSubdirectory("dataflow-rdd-text-");
        try
        {
            var file = Path.Combine(dir.FullName, "docs.tsv");
            await File.WriteAllLinesAsync(file, File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "austen-vs-jargon.tsv")).Take(10_000), Ct);
            double optimum;
            await using (var local = new DataflowContext("local[2]"))
            {
                var lbfgs = await new LogisticRegression { RegParam = lambda, MaxIterations = 1000, Tolerance = 1e-12 }
                    .FitAsync(await local.LoadTextAsync(file, features, 2, Ct), Ct);
                Assert.True(lbfgs.Summary!.Converged, lbfgs.Summary.Message);
                optimum = lbfgs.Summary.Objective;
            }

            await SharedCluster.StartAsync();
            await using var ctx = new DataflowContext(new DataflowOptions { Master = SharedCluster.Master });
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await new RddModelLogisticRegression { RegParam = lambda, MaxIterations = 250 }
                .FitAsync(await ctx.LoadTextAsync(file, features, 2, Ct), Ct);

            var crossing = result.Iterations.FirstOrDefault(i => i.Objective <= optimum * 1.01)?.Iteration;
            TestContext.Current.TestOutputHelper?.WriteLine($"cluster: optimum {optimum:R}, rdd {result.Objective:R} ({result.Objective / optimum:R}), 1% at iteration {crossing}, {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(result.Objective <= optimum * 1.01, $"rdd mode on the cluster {result.Objective:R}, driver L-BFGS {optimum:R}");
            Assert.True(result.Objective >= optimum * (1 - 1e-6), $"rdd mode {result.Objective:R} is below the L-BFGS optimum {optimum:R}");
            Assert.All(result.Iterations, i => Assert.True(i.ShuffleWriteSeconds > 0 && i.ShuffleFetchWaitSeconds > 0, $"iteration {i.Iteration}: {i}"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
