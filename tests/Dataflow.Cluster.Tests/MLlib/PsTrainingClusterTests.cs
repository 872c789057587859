using Dataflow.Cluster.Tests.Support;
using Dataflow.MLlib.Cluster;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.ParameterServer;

namespace Dataflow.Cluster.Tests.MLlib;

/// <summary>PS training on the in-process cluster: the barrier stage's workers run on the worker silos and reach the
/// shard grains (spread over the silos) through the silos' resolver.</summary>
public sealed class PsTrainingClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("bsp", true)]
    [InlineData("ssp:2", false)]
    public async Task BreastCancer_OnTheCluster_ReachesTheOptimumWithinOnePercent(string consistency, bool explicitHost)
    {
        var cluster = await SharedCluster.StartAsync();
        var (context, _) = await SharedCluster.NewContextAsync();
        await using var _ctx = context;
        var file = Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer.csv");
        var points = await context.LoadCsvAsync(file, cancellationToken: Ct);
        var scaled = (await new StandardScaler().FitAsync(points, Ct)).Transform(points).Repartition(4);

        var (_, summary) = await new PsLogisticRegression
        {
            Consistency = consistency, RegParam = 1.0 / 569, Iterations = 200,
            // Without a host the estimator takes the context's (ShardHosts.For: the backend's grain factory).
            ShardHost = explicitHost ? new GrainShardHost(cluster.Cluster.Client) : null,
        }.FitAsync(scaled, Ct);

        // The optimum of this objective is 0.066360 (MLlib's tests solve it by Newton's method); 200 clocks get within 1%.
        Assert.InRange(summary.Objective, 0.06636, 0.06636 * 1.01);
        Assert.Equal(4, summary.Workers.Count);
        Assert.All(summary.Workers, w => Assert.Equal(200, w.Clocks));
        Assert.True(summary.BytesSent > 0);
    }

    [Fact]
    public async Task ShardHosts_OnAClusterContext_AreTheGrainsOfTheBackendsClient()
    {
        var cluster = await SharedCluster.StartAsync();
        var (context, _) = await SharedCluster.NewContextAsync();
        await using var _ctx = context;
        await using var local = new DataflowContext("local[2]");

        Assert.Same(cluster.Cluster.Client, context.GetBackendService<IClusterClient>());
        Assert.Same(cluster.Cluster.Client, context.GetBackendService<IGrainFactory>());
        Assert.Null(local.GetBackendService<IClusterClient>());
        Assert.IsType<GrainShardHost>(ShardHosts.For(context));
        Assert.Null(ShardHosts.For(local));

        // The default host creates the run's shards as grains: a handle from the cluster's own client reads what was created.
        var ranges = new KeyRanges(10, 2);
        var host = ShardHosts.For(context)!;
        await host.CreateAsync("seam-test", ranges, new ShardSettings(1, "bsp", new UpdaterSpec("sgd", 0.5, 1e-8, 0, 10)));
        try
        {
            var shards = GrainShards.Find(cluster.Cluster.Client, "seam-test", ranges);
            Assert.Equal(new double[5], await shards[1].ReadAsync(0, 5));
        }
        finally
        {
            await host.RemoveAsync("seam-test", 2);
        }
    }
}
