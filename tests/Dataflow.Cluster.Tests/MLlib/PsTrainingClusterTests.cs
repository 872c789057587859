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
    [InlineData("bsp")]
    [InlineData("ssp:2")]
    public async Task BreastCancer_OnTheCluster_ReachesTheOptimumWithinOnePercent(string consistency)
    {
        var cluster = await SharedCluster.StartAsync();
        var (context, _) = await SharedCluster.NewContextAsync();
        await using var _ctx = context;
        var file = Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer.csv");
        var points = await context.LoadCsvAsync(file, cancellationToken: Ct);
        var scaled = (await new StandardScaler().FitAsync(points, Ct)).Transform(points).Repartition(4);

        var (_, summary) = await new PsLogisticRegression
        {
            Consistency = consistency, RegParam = 1.0 / 569, Iterations = 200, ShardHost = new GrainShardHost(cluster.Cluster.Client),
        }.FitAsync(scaled, Ct);

        // The optimum of this objective is 0.066360 (MLlib's tests solve it by Newton's method); 200 clocks get within 1%.
        Assert.InRange(summary.Objective, 0.06636, 0.06636 * 1.01);
        Assert.Equal(4, summary.Workers.Count);
        Assert.All(summary.Workers, w => Assert.Equal(200, w.Clocks));
        Assert.True(summary.BytesSent > 0);
    }
}
