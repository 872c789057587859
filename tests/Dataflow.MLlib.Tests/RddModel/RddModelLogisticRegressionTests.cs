using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.RddModel;
using Dataflow.MLlib.Tests.Classification;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.RddModel;

/// <summary>
/// The model kept in an RDD: its iterates are driver-side mini-batch SGD's with the same updater (a plain float64 loop
/// written here), and with its defaults it reaches the optimum of standardised breast_cancer.csv.
/// </summary>
public sealed class RddModelLogisticRegressionTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private const int Features = 40;
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(0.5, 3)]
    public async Task FirstTenIterates_EqualAPlainDriverSideMiniBatchSgdWithTheSameUpdater(double fraction, int checkpointEvery)
    {
        const double lambda = 0.01;
        var points = SparsePoints(300, seed: 5);
        var rdd = _ctx.Parallelize(points, 3);
        // The rows of each partition, in order: the sampling draws per partition, row by row.
        var partitions = (await rdd.SelectPartitions((index, items) => items.Select(p => (index, p))).ToListAsync(Ct))
            .GroupBy(x => x.index).OrderBy(g => g.Key).Select(g => g.Select(x => x.p).ToArray()).ToArray();

        var result = await new RddModelLogisticRegression
        {
            RegParam = lambda, MaxIterations = 10, MiniBatchFraction = fraction, Seed = 11, BlockSize = 7, ParameterPartitions = 2,
            CheckpointEvery = checkpointEvery, CollectIterates = 10,
        }.FitAsync(rdd, Ct);

        var expected = ReferenceSgd(partitions, lambda, fraction, seed: 11, iterations: 10);
        Assert.Equal(10, result.Iterates.Count);
        for (var t = 0; t < 10; t++)
        {
            var scale = expected[t].Max(Math.Abs);
            var error = expected[t].Zip(result.Iterates[t], (e, a) => Math.Abs(e - a)).Max();
            Assert.True(error <= 1e-9 * scale, $"iterate {t + 1}: max difference {error:R}, largest entry {scale:R}");
        }

        Assert.Equal(10, result.Iterations.Count);
        Assert.All(result.Iterations, i => Assert.True(i.ShuffleWriteBytes > 0 && i.Jobs >= 2, $"iteration {i.Iteration}: {i}"));
        Assert.Equal(checkpointEvery == 0 ? 0 : 10 / checkpointEvery, result.Iterations.Count(i => i.Checkpointed));
    }

    [Fact]
    public async Task MaxTime_Zero_StopsAfterOneIteration_AtTheOneIterationModel()
    {
        var rdd = _ctx.Parallelize(SparsePoints(120, seed: 9), 2);
        var seen = new List<int>();

        var limited = await new RddModelLogisticRegression
        {
            RegParam = 0.01, MaxIterations = 50, BlockSize = 7, MaxTime = TimeSpan.Zero, Progress = new Recorder(seen),
        }.FitAsync(rdd, Ct);
        var one = await new RddModelLogisticRegression { RegParam = 0.01, MaxIterations = 1, BlockSize = 7 }.FitAsync(rdd, Ct);

        Assert.Equal(OptimizationStatus.TimeLimit, limited.Status);
        Assert.Equal([1], limited.Iterations.Select(i => i.Iteration));
        Assert.Equal([1], seen);
        Assert.Equal(one.Weights, limited.Weights);
        Assert.Equal(one.Objective, limited.Objective);
    }

    [Fact]
    public async Task BreastCancer_WithItsDefaults_ReachesTheDriverLbfgsOptimumWithinOnePercent()
    {
        var lambda = 1.0 / 569;
        var optimum = LogisticReference.SolveBinary(ReferenceData.FromCsv("breast_cancer.csv", standardize: true), y => y == 1, lambda);
        var loaded = await _ctx.LoadCsvAsync(DataFiles.Path("breast_cancer.csv"), cancellationToken: Ct);
        var points = (await new StandardScaler().FitAsync(loaded, Ct)).Transform(loaded);
        var lbfgs = await new LogisticRegression { RegParam = lambda, MaxIterations = 1000, Tolerance = 1e-12 }.FitAsync(points, Ct);

        var result = await new RddModelLogisticRegression { RegParam = lambda, MaxIterations = 300, BlockSize = 8 }.FitAsync(points, Ct);

        Assert.True(Math.Abs(lbfgs.Summary!.Objective - optimum.Value) <= 1e-6 * optimum.Value);
        Assert.True(result.Objective <= lbfgs.Summary.Objective * 1.01, $"rdd mode {result.Objective:R}, driver L-BFGS {lbfgs.Summary.Objective:R}");
        Assert.True(result.Objective >= optimum.Value - 1e-12, "no point can beat the optimum");
        Assert.Equal(30, result.Iterations.Count(i => i.Checkpointed));
        Assert.True(result.Iterations[^1].Objective < result.Iterations[0].Objective / 5);
    }

    [Fact]
    public async Task TextData_TwoToTheTwentyFeatures_FirstTenIteratesEqualAPlainSparseDriverSgd()
    {
        const int features = 1 << 20;
        const double lambda = 1e-4;
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "docs.tsv");
        await File.WriteAllLinesAsync(file, File.ReadLines(DataFiles.Path("austen-vs-jargon.tsv")).Take(600), Ct);
        var rdd = (await _ctx.LoadTextAsync(file, features, 3, Ct)).Cache();
        var partitions = (await rdd.SelectPartitions((index, items) => items.Select(p => (index, p))).ToListAsync(Ct))
            .GroupBy(x => x.index).OrderBy(g => g.Key).Select(g => g.Select(x => (SparseVector)x.p.Features).Zip(g.Select(x => x.p.Label)).ToArray()).ToArray();

        var result = await new RddModelLogisticRegression { RegParam = lambda, MaxIterations = 10, CollectIterates = 10 }.FitAsync(rdd, Ct);

        // Driver-side SGD over the sparse rows (binary features, exact in float32), AdaGrad 0.5 on every entry.
        var w = new double[features + 1];
        var squares = new double[features + 1];
        for (var t = 0; t < 10; t++)
        {
            var gradient = new double[features + 1];
            var rows = 0;
            foreach (var (x, label) in partitions.SelectMany(p => p))
            {
                var margin = w[features];
                for (var k = 0; k < x.Indices.Length; k++)
                {
                    margin += w[x.Indices[k]] * x.Values[k];
                }

                var error = (1 / (1 + Math.Exp(-margin))) - label;
                for (var k = 0; k < x.Indices.Length; k++)
                {
                    gradient[x.Indices[k]] += error * x.Values[k];
                }

                gradient[features] += error;
                rows++;
            }

            for (var k = 0; k <= features; k++)
            {
                var h = (gradient[k] / rows) + (k < features ? lambda * w[k] : 0);
                squares[k] += h * h;
                w[k] -= 0.5 * h / (Math.Sqrt(squares[k]) + 1e-8);
            }

            var scale = w.Max(Math.Abs);
            var difference = w.Zip(result.Iterates[t], (e, a) => Math.Abs(e - a)).Max();
            Assert.True(difference <= 1e-9 * scale, $"iterate {t + 1}: max difference {difference:R}, largest entry {scale:R}");
        }

        await rdd.UnpersistAsync();
    }

    /// <summary>Sparse points with labels from a planted model, 0/1.</summary>
    private static LabeledPoint[] SparsePoints(int rows, int seed)
    {
        var random = new Random(seed);
        var planted = Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var points = new LabeledPoint[rows];
        for (var r = 0; r < rows; r++)
        {
            // Features 30..39 never occur: their blocks get zero gradients (and the L2 decay).
            var indices = Enumerable.Range(0, 30).Where(_ => random.NextDouble() < 0.2).ToArray();
            var values = indices.Select(_ => Math.Round(random.NextDouble() * 4 - 2, 3)).ToArray();
            var margin = indices.Select((j, k) => planted[j] * values[k]).Sum() + 0.3;
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1.0 : 0.0;
            points[r] = new LabeledPoint(label, Vectors.Sparse(Features, indices, values));
        }

        return points;
    }

    /// <summary>
    /// Driver-side mini-batch SGD in float64 (features rounded to float32, as the blocks store them): iteration t keeps
    /// each row of partition p with probability <paramref name="fraction"/> drawn from Random(MiniBatch.PartitionSeed(p)),
    /// takes the batch's mean log-loss gradient, and steps every entry by AdaGrad (step 0.5, ε 1e-8, λ on weights only).
    /// </summary>
    private static List<double[]> ReferenceSgd(LabeledPoint[][] partitions, double lambda, double fraction, long seed, int iterations)
    {
        var w = new double[Features + 1];
        var squares = new double[Features + 1];
        var iterates = new List<double[]>();
        for (var t = 1; t <= iterations; t++)
        {
            var batch = MiniBatch.For(seed, t, fraction);
            var gradient = new double[Features + 1];
            long rows = 0;
            for (var p = 0; p < partitions.Length; p++)
            {
                var random = fraction < 1 ? new Random(batch.PartitionSeed(p)) : null;
                foreach (var point in partitions[p])
                {
                    if (random is not null && !(random.NextDouble() < fraction))
                    {
                        continue;
                    }

                    var x = point.Features.ToArray().Select(v => (double)(float)v).ToArray();
                    var margin = w[Features] + x.Select((v, j) => v * w[j]).Sum();
                    var error = (1 / (1 + Math.Exp(-margin))) - point.Label;
                    for (var j = 0; j < Features; j++)
                    {
                        gradient[j] += error * x[j];
                    }

                    gradient[Features] += error;
                    rows++;
                }
            }

            for (var k = 0; k <= Features; k++)
            {
                var h = (gradient[k] / rows) + (k < Features ? lambda * w[k] : 0);
                squares[k] += h * h;
                w[k] -= 0.5 * h / (Math.Sqrt(squares[k]) + 1e-8);
            }

            iterates.Add((double[])w.Clone());
        }

        return iterates;
    }

    // Synchronous, unlike Progress<T> (which posts to the thread pool).
    private sealed class Recorder(List<int> seen) : IProgress<RddIterationTimings>
    {
        public void Report(RddIterationTimings value) => seen.Add(value.Iteration);
    }
}
