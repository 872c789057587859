using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;
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
}
