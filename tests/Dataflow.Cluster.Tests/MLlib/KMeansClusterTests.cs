using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;
using Dataflow.MLlib.Clustering;
using Dataflow.MLlib.Linalg;

namespace Dataflow.Cluster.Tests.MLlib;

/// <summary>
/// k-means on the in-process cluster: the blocks, the broadcast centres of all runs, the k-means|| samples and the
/// tree-aggregated sums cross to the workers and back, and the model is the one local mode fits from the same
/// partitions.
/// </summary>
public sealed class KMeansClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FitAsync_OnTheCluster_GivesTheModelOfLocalMode()
    {
        var random = new Random(3);
        var centres = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 4).Select(_ => random.NextDouble() * 40).ToArray()).ToArray();
        var rows = Enumerable.Range(0, 240)
            .Select(i => (Vector)Vectors.Dense([.. centres[i % 3].Select(x => (double)(float)(x + random.NextDouble() * 6))]))
            .ToList();
        var models = new List<KMeansModel>();
        await SharedCluster.StartAsync();
        foreach (var master in new[] { SharedCluster.Master, "local[2]" })
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = master });
            models.Add(await new KMeans { K = 3, Runs = 2, Seed = 9 }.FitAsync(ctx.Parallelize(rows, 4), Ct));
        }

        Assert.Equal(models[1].Summary!.Cost, models[0].Summary!.Cost);
        Assert.Equal(models[1].Summary!.Iterations, models[0].Summary!.Iterations);
        Assert.Equal(models[1].ClusterCenters, models[0].ClusterCenters);
        Assert.Equal(240, models[0].Summary!.ClusterSizes.Sum());
    }
}
