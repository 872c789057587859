using Dataflow.Cluster.Tests.Support;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Recommendation;

namespace Dataflow.Cluster.Tests.MLlib;

/// <summary>Matrix factorisation on the parameter server on the in-process cluster, with no shard host given (the
/// estimator takes the context's, ShardHosts.For): the barrier stage runs on the worker silos and PS-BSP gives local
/// mode's factors to the bit. (The silos share the driver's process here, so that the tasks reach grains rather than
/// in-process shards is shown with real worker processes: Processes/mf2-RealWorkerMfTests.cs.)</summary>
public sealed class PsMatrixFactorizationClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bsp_OnTheClusterWithoutAShardHost_EqualsLocalMode()
    {
        await SharedCluster.StartAsync();
        var (context, _) = await SharedCluster.NewContextAsync();
        await using var _ctx = context;
        await using var local = new DataflowContext("local[2]");
        var ratings = new RatingGenerator { Users = 40, Items = 30, Rank = 3, Ratings = 1500, Seed = 3 }.Generate();
        PsMatrixFactorization Estimator() => new() { Rank = 3, RegParam = 1e-4, Iterations = 30, Users = 40, Items = 30 };

        var (clusterModel, clusterSummary) = await Estimator().FitAsync(context.Parallelize(ratings, 2), Ct);
        var (localModel, localSummary) = await Estimator().FitAsync(local.Parallelize(ratings, 2), Ct);

        Assert.Equal(localModel.Factors.ToArray(), clusterModel.Factors.ToArray());
        Assert.Equal(localSummary.Objective, clusterSummary.Objective);
        Assert.All(clusterSummary.Workers, w => Assert.Equal(30, w.Clocks));
        // 30 clocks moved the factors off the seeded start: an objective well below the start's (the ratings' mean square, about 1).
        var start = ratings.Average(r => r.Value * r.Value);
        Assert.True(clusterSummary.Objective < 0.5 * start, $"objective {clusterSummary.Objective}, start about {start}");
    }
}
