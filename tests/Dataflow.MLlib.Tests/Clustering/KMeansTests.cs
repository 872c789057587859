using Dataflow.MLlib.Clustering;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Clustering;

public sealed class KMeansTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertCentersClose(double[][] expected, double[][] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var c = 0; c < expected.Length; c++)
        {
            for (var j = 0; j < expected[c].Length; j++)
            {
                Assert.True(Math.Abs(expected[c][j] - actual[c][j]) <= tolerance, $"centre {c}, feature {j}: expected {expected[c][j]:R}, got {actual[c][j]:R}");
            }
        }
    }

    private static void AssertRelative(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public async Task FitAsync_IrisRawFiveRuns_ReachesTheKnownOptimumAndMatchesAPlainLloydLoop()
    {
        var rows = ClusterData.Iris();
        var points = await _ctx.LoadCsvAsync(DataFiles.Path("iris.csv"), "label", minPartitions: 3, cancellationToken: Ct);

        var model = await new KMeans { K = 3, Runs = 5, Seed = 1 }.FitAsync(points, Ct);
        var summary = model.Summary!;

        Assert.InRange(summary.Cost, 78.851 - 0.01, 78.851 + 0.01);
        Assert.Equal(5, summary.RunCosts.Count);
        Assert.Equal(summary.RunCosts.Min(), summary.Cost);
        var reference = PlainLloyd.Run(rows, ClusterData.Centers(summary.InitialCenters));
        Assert.Equal(reference.Iterations, summary.Iterations);
        Assert.Equal(summary.Converged, reference.Iterations < 20);
        AssertCentersClose(reference.Centers, ClusterData.Centers(model), 1e-9);
        AssertRelative(reference.Cost, summary.Cost, 1e-9);
        for (var i = 0; i < reference.CostHistory.Count; i++)
        {
            AssertRelative(reference.CostHistory[i], summary.CostHistory[i], 1e-9);
        }

        Assert.Equal(reference.Sizes, summary.ClusterSizes);
        Assert.Equal(150, summary.ClusterSizes.Sum());
        AssertRelative(summary.Cost, await model.ComputeCostAsync(points, Ct), 1e-12);
        AssertRelative(PlainLloyd.Cost(rows, ClusterData.Centers(model)), summary.Cost, 1e-9);
    }

    [Fact]
    public async Task FitAsync_RandomInitialization_MatchesAPlainLloydLoopFromTheSameCentres()
    {
        var (rows, _) = ClusterData.Blobs(seed: 3, clusters: 4, perCluster: 60, d: 3, spread: 8);

        var model = await new KMeans { K = 4, Initialization = KMeansInitialization.Random, Seed = 5 }.FitAsync(ClusterData.Vectors(_ctx, rows, 3), Ct);

        var initial = ClusterData.Centers(model.Summary!.InitialCenters);
        Assert.All(initial, c => Assert.Contains(rows, r => r.SequenceEqual(c)));
        Assert.Equal(4, initial.Select(c => string.Join(",", c)).Distinct().Count());
        var reference = PlainLloyd.Run(rows, initial);
        Assert.Equal(reference.Iterations, model.Summary.Iterations);
        AssertCentersClose(reference.Centers, ClusterData.Centers(model), 1e-9);
        AssertRelative(reference.Cost, model.Summary.Cost, 1e-9);
    }

    [Fact]
    public async Task Initialization_KMeansParallel_BeatsRandomOnClusteredData()
    {
        var (rows, truth) = ClusterData.Blobs(seed: 11, clusters: 10, perCluster: 100, d: 5);
        var data = ClusterData.Vectors(_ctx, rows, 4);
        var truthCost = PlainLloyd.Cost(rows, truth);

        for (var seed = 1; seed <= 5; seed++)
        {
            var parallel = await new KMeans { K = 10, Seed = seed, MaxIterations = 1 }.FitAsync(data, Ct);
            var random = await new KMeans { K = 10, Seed = seed, MaxIterations = 1, Initialization = KMeansInitialization.Random }.FitAsync(data, Ct);

            // The summary's initial cost is that of its initial centres, recomputed here independently.
            AssertRelative(PlainLloyd.Cost(rows, ClusterData.Centers(parallel.Summary!.InitialCenters)), parallel.Summary.InitialCost, 1e-9);
            AssertRelative(PlainLloyd.Cost(rows, ClusterData.Centers(random.Summary!.InitialCenters)), random.Summary.InitialCost, 1e-9);
            Assert.True(parallel.Summary.InitialCost < random.Summary.InitialCost,
                $"seed {seed}: k-means|| initial cost {parallel.Summary.InitialCost} is not below random's {random.Summary.InitialCost}");
            Assert.True(parallel.Summary.InitialCost < 2 * truthCost, $"seed {seed}: k-means|| initial cost {parallel.Summary.InitialCost}, the generating centres' {truthCost}");
        }
    }

    [Fact]
    public async Task FitAsync_ClusterLeftEmpty_IsReseededWithTheFarthestRow()
    {
        double[][] rows = [[0, 0], [1, 0], [0, 1], [10, 0], [11, 0], [10, 1], [30, 0]];
        double[][] initial = [[0, 0], [10, 0], [1000, 1000]];

        var model = await new KMeans { K = 3, InitialCenters = [.. initial.Select(c => (Vector)Vectors.Dense(c))] }.FitAsync(ClusterData.Vectors(_ctx, rows, 2), Ct);

        var centers = ClusterData.Centers(model);
        Assert.All(centers.SelectMany(c => c), x => Assert.True(double.IsFinite(x)));
        Assert.Equal([30.0, 0], centers[2]);
        var reference = PlainLloyd.Run(rows, initial);
        AssertCentersClose(reference.Centers, centers, 1e-12);
        Assert.Equal(reference.Iterations, model.Summary!.Iterations);
        AssertRelative(reference.Cost, model.Summary.Cost, 1e-12);
        Assert.Equal([3L, 3, 1], model.Summary.ClusterSizes);
    }

    [Fact]
    public async Task FitAsync_DuplicateInitialCentres_ReseedTheEmptyOnesInFarthestOrder()
    {
        var (rows, _) = ClusterData.Blobs(seed: 4, clusters: 3, perCluster: 30, d: 2, spread: 2);
        double[][] initial = [rows[0], rows[0], rows[0]];

        var model = await new KMeans { K = 3, InitialCenters = [.. initial.Select(c => (Vector)Vectors.Dense(c))] }.FitAsync(ClusterData.Vectors(_ctx, rows, 3), Ct);

        var reference = PlainLloyd.Run(rows, initial);
        AssertCentersClose(reference.Centers, ClusterData.Centers(model), 1e-9);
        AssertRelative(reference.Cost, model.Summary!.Cost, 1e-9);
        Assert.All(model.Summary.ClusterSizes, size => Assert.True(size > 0));
    }

    [Fact]
    public async Task FitAsync_FewerDistinctRowsThanK_LeavesDuplicateCentresNotNaN()
    {
        double[][] rows = [[1, 2], [1, 2], [5, 5], [5, 5], [1, 2]];

        foreach (var mode in new[] { KMeansInitialization.KMeansParallel, KMeansInitialization.Random })
        {
            var model = await new KMeans { K = 3, Initialization = mode }.FitAsync(ClusterData.Vectors(_ctx, rows, 2), Ct);

            Assert.All(ClusterData.Centers(model).SelectMany(c => c), x => Assert.True(double.IsFinite(x)));
            Assert.Equal(0, model.Summary!.Cost);
            Assert.Equal(5, model.Summary.ClusterSizes.Sum());
            Assert.NotEqual(model.Predict(Vectors.Dense(1, 2)), model.Predict(Vectors.Dense(5, 5)));
        }
    }

    [Fact]
    public async Task FitAsync_IsOneJobPerLloydIterationForAllRuns()
    {
        var (rows, _) = ClusterData.Blobs(seed: 8, clusters: 5, perCluster: 40, d: 4, spread: 10);
        var data = ClusterData.Vectors(_ctx, rows, 4);

        var counter = await JobCounter.AttachAsync(_ctx);
        var single = await new KMeans { K = 5, Initialization = KMeansInitialization.Random, Seed = 2 }.FitAsync(data, Ct);
        await _ctx.Listeners.FlushAsync();
        var singleJobs = counter.Jobs;
        var reference = PlainLloyd.Run(rows, ClusterData.Centers(single.Summary!.InitialCenters));

        // The description job (which also draws the random rows), one per Lloyd iteration, the final costs.
        Assert.Equal(reference.Iterations, single.Summary.Iterations);
        Assert.True(single.Summary.Iterations > 2);
        Assert.Equal(1 + single.Summary.Iterations + 1, singleJobs);
        Assert.Equal(single.Summary.Iterations, single.Summary.Timings.Count);
        Assert.Equal(Enumerable.Range(1, single.Summary.Iterations), single.Summary.Timings.Select(t => t.Iteration));
        Assert.Equal(single.Summary.CostHistory, single.Summary.Timings.Select(t => t.Objective));
        Assert.All(single.Summary.Timings, t =>
        {
            Assert.Equal(1, t.Passes);
            Assert.True(t.ComputeSeconds > 0 && t.WallSeconds >= t.ComputeSeconds, $"compute {t.ComputeSeconds} s of a {t.WallSeconds} s iteration");
            Assert.True(t.BroadcastBytes > 5 * 4 * 8, $"the centres' broadcast is {t.BroadcastBytes} bytes");
        });

        var several = await new KMeans { K = 5, Initialization = KMeansInitialization.Random, Seed = 2, Runs = 4 }.FitAsync(data, Ct);
        await _ctx.Listeners.FlushAsync();
        var severalJobs = counter.Jobs - singleJobs;
        Assert.Equal(1 + several.Summary!.Timings.Count + 1, severalJobs);
        Assert.InRange(several.Summary.Timings.Count, several.Summary.Iterations, 20);

        // k-means||: two jobs per step (two steps) and one for the candidates' weights.
        var parallel = await new KMeans { K = 5, Seed = 2, Runs = 3 }.FitAsync(data, Ct);
        await _ctx.Listeners.FlushAsync();
        Assert.Equal(1 + 5 + parallel.Summary!.Timings.Count + 1, counter.Jobs - singleJobs - severalJobs);
        _ctx.Listeners.Remove(counter);
    }

    [Fact]
    public async Task FitAsync_WithATolerance_StopsWhenNoCentreMovesMore()
    {
        var (rows, _) = ClusterData.Blobs(seed: 21, clusters: 6, perCluster: 50, d: 3, spread: 12);

        var loose = await new KMeans { K = 6, Initialization = KMeansInitialization.Random, Tolerance = 0.5 }.FitAsync(ClusterData.Vectors(_ctx, rows, 2), Ct);
        var capped = await new KMeans { K = 6, Initialization = KMeansInitialization.Random, MaxIterations = 2, Tolerance = 0 }.FitAsync(ClusterData.Vectors(_ctx, rows, 2), Ct);

        var reference = PlainLloyd.Run(rows, ClusterData.Centers(loose.Summary!.InitialCenters), tolerance: 0.5);
        Assert.Equal(reference.Iterations, loose.Summary.Iterations);
        Assert.True(loose.Summary.Converged);
        Assert.Equal(2, capped.Summary!.Iterations);
        Assert.False(capped.Summary.Converged);
    }

    [Fact]
    public async Task FitAsync_SparseLibSvmInput_MatchesTheSameDataDense()
    {
        using var temp = new TempDirectory();
        var random = new Random(5);
        var rows = Enumerable.Range(0, 120).Select(i =>
        {
            var row = new double[40];
            var offset = i % 2 == 0 ? 0 : 20;
            for (var n = 0; n < 4; n++)
            {
                row[offset + random.Next(20)] = (float)(1 + random.NextDouble());
            }

            return row;
        }).ToArray();
        var lines = rows.Select(r => "0 " + string.Join(" ", r.Select((v, j) => (v, j)).Where(e => e.v != 0)
            .Select(e => $"{e.j + 1}:{e.v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}")));
        var file = temp.Write("data.libsvm", string.Join("\n", lines) + "\n");
        var sparse = await _ctx.LoadLibSvmAsync(file, numFeatures: 40, minPartitions: 3, cancellationToken: Ct);
        var blocks = await sparse.ToBlocks().ToListAsync(Ct);
        Assert.All(blocks, b => Assert.True(b.IsSparse));
        double[][] initial = [rows[0], rows[1]];

        var model = await new KMeans { K = 2, InitialCenters = [.. initial.Select(c => (Vector)Vectors.Dense(c))] }.FitAsync(sparse, Ct);
        var fromKMeansParallel = await new KMeans { K = 2, Seed = 3 }.FitAsync(sparse, Ct);

        var reference = PlainLloyd.Run(rows, initial);
        AssertCentersClose(reference.Centers, ClusterData.Centers(model), 1e-9);
        AssertRelative(reference.Cost, model.Summary!.Cost, 1e-9);
        AssertRelative(model.Summary.Cost, await model.ComputeCostAsync(sparse, Ct), 1e-12);
        var parallelReference = PlainLloyd.Run(rows, ClusterData.Centers(fromKMeansParallel.Summary!.InitialCenters));
        AssertCentersClose(parallelReference.Centers, ClusterData.Centers(fromKMeansParallel), 1e-9);
        AssertRelative(parallelReference.Cost, fromKMeansParallel.Summary.Cost, 1e-9);
        var predicted = await model.Transform(sparse).ToListAsync(Ct);
        Assert.Equal(rows.Select(r => PlainLloyd.Nearest(r, reference.Centers).Index), predicted);
    }

    [Fact]
    public async Task FitAsync_SameDataAndPartitions_SameModelInLocal1AndLocal4()
    {
        var (rows, _) = ClusterData.Blobs(seed: 6, clusters: 4, perCluster: 50, d: 6, spread: 6);
        var results = new List<KMeansModel>();
        foreach (var master in new[] { "local[1]", "local[4]" })
        {
            await using var ctx = new DataflowContext(master);
            results.Add(await new KMeans { K = 4, Runs = 3, Seed = 7 }.FitAsync(ClusterData.Vectors(ctx, rows, 5), Ct));
        }

        Assert.Equal(results[0].Summary!.Cost, results[1].Summary!.Cost);
        Assert.Equal(results[0].Summary!.RunCosts, results[1].Summary!.RunCosts);
        AssertCentersClose(ClusterData.Centers(results[0]), ClusterData.Centers(results[1]), 0);
    }
}
