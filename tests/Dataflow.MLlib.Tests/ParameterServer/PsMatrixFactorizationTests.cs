using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Recommendation;
using Dataflow.MLlib.Tests.Recommendation;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// Matrix factorisation on the parameter server (a barrier stage of 4 workers on local[2]) and in driver mode: PS-BSP
/// equals a serial float64 SGD loop written here; every consistency mode, and driver mode, reaches the objective of the
/// true factors the ratings were generated from.
/// </summary>
public sealed class PsMatrixFactorizationTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private const int Workers = 4;
    private const double Step = 0.5;
    private const double Epsilon = 1e-8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public async Task Bsp_FirstClocks_EqualSerialFloat64Sgd(int clocks)
    {
        const int users = 12, items = 9, rank = 3;
        const double lambda = 0.01;
        var ratings = new RatingGenerator { Users = users, Items = items, Rank = rank, Ratings = 150, Seed = 9 }.Generate();
        var start = RatingProblem.RandomFactors(users + items, rank, 4, 0.3);
        var rdd = fixture.Context.Parallelize(ratings, Workers);
        var owner = (await rdd.SelectPartitions((index, rows) => rows.Select(r => (index, r))).ToListAsync(Ct)).ToList();

        var (model, summary) = await new PsMatrixFactorization
        {
            Rank = rank, RegParam = lambda, Iterations = clocks, Users = users, Items = items,
            Start = new MatrixFactorizationModel(users, items, rank, start),
        }.FitAsync(rdd, Ct);

        // The serial reference: at clock c every worker reads X₀ + Δ (Δ rounded to float32 on the wire) with every update
        // of clocks < c; pushes (float32 on the wire) |T_k|·g_k/N + λ·X_k; the servers apply them by worker id with AdaGrad.
        var keys = (users + items) * rank;
        var delta = new double[keys];
        var squares = new double[keys];
        var byWorker = Enumerable.Range(0, Workers).Select(w => owner.Where(o => o.index == w).Select(o => o.r).ToList()).ToArray();
        var touches = new int[users + items];
        foreach (var part in byWorker)
        {
            foreach (var row in part.SelectMany(r => new[] { r.User, users + r.Item }).Distinct())
            {
                touches[row]++;
            }
        }

        for (var c = 0; c < clocks; c++)
        {
            var read = delta.Select(d => (double)(float)d).ToArray();
            for (var w = 0; w < Workers; w++)
            {
                var x = start.Select((s, j) => s + read[j]).ToArray();
                var gradient = new double[keys];
                var rows = new HashSet<int>();
                foreach (var r in byWorker[w])
                {
                    var (u, i) = (r.User * rank, (users + r.Item) * rank);
                    var p = 0.0;
                    for (var f = 0; f < rank; f++)
                    {
                        p += x[u + f] * x[i + f];
                    }

                    for (var f = 0; f < rank; f++)
                    {
                        gradient[u + f] += 2 * (p - r.Value) * x[i + f];
                        gradient[i + f] += 2 * (p - r.Value) * x[u + f];
                    }

                    rows.Add(r.User);
                    rows.Add(users + r.Item);
                }

                foreach (var row in rows.Order())
                {
                    for (var f = 0; f < rank; f++)
                    {
                        var k = (row * rank) + f;
                        var h = (double)(float)((touches[row] * gradient[k] / ratings.Count) + (lambda * x[k]));
                        squares[k] += h * h;
                        delta[k] -= Step * h / (Math.Sqrt(squares[k]) + Epsilon);
                    }
                }
            }
        }

        var expected = start.Select((s, j) => s + delta[j]).ToArray();
        var actual = model.Factors.ToArray();
        var worst = Enumerable.Range(0, keys).Max(j => Math.Abs(actual[j] - expected[j]) / Math.Max(Math.Abs(expected[j]), 1e-3));
        Assert.True(worst <= 1e-9, $"largest relative difference {worst}");
        Assert.Equal(clocks, summary.Clocks);
        Assert.All(summary.Workers, w => Assert.Equal(clocks, w.Clocks));
        var objective = RatingProblem.Objective(ratings, expected, users, rank, lambda);
        Assert.True(Math.Abs(summary.Objective - objective) <= 1e-9 * objective, $"objective {summary.Objective}, reference {objective}");
    }

    [Fact]
    public async Task EachMode_ReachesTheObjectiveOfTheTrueFactors()
    {
        const int users = 60, items = 40, rank = 3;
        const double lambda = 1e-5;
        var generator = new RatingGenerator { Users = users, Items = items, Rank = rank, Ratings = 3000, Noise = 0.1, PopularityExponent = 0.5, Seed = 21 };
        var (ratings, trueUsers, trueItems) = generator.GenerateWithTruth();
        var truth = RatingProblem.Objective(ratings, RatingProblem.Truth(trueUsers, trueItems), users, rank, lambda);
        var rdd = fixture.Context.Parallelize(ratings, Workers).Cache();

        var results = new Dictionary<string, double>();
        foreach (var consistency in new[] { "bsp", "ssp:3", "asp" })
        {
            var (model, summary) = await new PsMatrixFactorization
            {
                Consistency = consistency, Rank = rank, RegParam = lambda, Iterations = 400, Users = users, Items = items,
                Kernels = consistency == "asp" ? new PacedKernels(Guid.NewGuid().ToString("N"), Workers, 2) : new Kernels.SimdKernels(),
            }.FitAsync(rdd, Ct);
            var reference = RatingProblem.Objective(ratings, model.Factors.ToArray(), users, rank, lambda);
            Assert.True(Math.Abs(summary.Objective - reference) <= 1e-9 * reference, $"{consistency}: summary {summary.Objective}, recomputed {reference}");
            results[consistency] = summary.Objective;
        }

        var (driverModel, driverSummary) = await new MatrixFactorization { Rank = rank, RegParam = lambda, Iterations = 400, Users = users, Items = items }
            .FitAsync(rdd, Ct);
        results["driver"] = driverSummary.Objective;
        Assert.Equal(400, driverSummary.Iterations.Count);
        Assert.True(Math.Abs(RatingProblem.Objective(ratings, driverModel.Factors.ToArray(), users, rank, lambda) - driverSummary.Objective) <= 1e-9 * truth);

        // The true factors' objective is about the noise variance (0.01); a converged fit is at most a few % above it
        // (usually below: the fit also absorbs some noise), and never far below (it would be fitting noise alone).
        var report = string.Join(", ", results.Select(r => $"{r.Key} {r.Value:G5}")) + $"; truth {truth:G5}";
        Assert.All(results, r => Assert.True(r.Value <= truth * 1.03 && r.Value >= truth * 0.7, report));
        Assert.True(Math.Abs(results["driver"] - results["bsp"]) <= 0.03 * results["bsp"], "driver and PS-BSP reach the same objective: " + report);
        await rdd.UnpersistAsync();
    }

    [Fact]
    public async Task WorkerLost_StageRestoresTheLastSnapshot_AndEqualsTheUninterruptedRun()
    {
        using var directory = new TempDirectory();
        var ratings = new RatingGenerator { Users = 50, Items = 30, Rank = 3, Ratings = 2000, Seed = 2 }.Generate();
        var rdd = fixture.Context.Parallelize(ratings, Workers).Cache();
        var settings = new PsMatrixFactorization { Rank = 3, Iterations = 40, SnapshotEvery = 10, SnapshotDirectory = directory.Path };

        // Worker 1 fails in its clock 25 (its 26th kernel call, one block per partition): the stage runs again from clock 20.
        settings.Kernels = new FailingKernels(Guid.NewGuid().ToString("N"), partition: 1, call: 26);
        var (restoredModel, restored) = await settings.FitAsync(rdd, Ct);
        settings.Kernels = new Kernels.SimdKernels();
        settings.SnapshotEvery = 0;
        var (model, uninterrupted) = await settings.FitAsync(rdd, Ct);

        Assert.All(restored.Workers, w => Assert.Equal(20, w.StartClock));
        Assert.All(restored.Workers, w => Assert.Equal(40, w.Clocks));
        // BSP is serial and the offsets start at 0: resuming from the snapshot applies no update twice or loses none.
        Assert.Equal(model.Factors.ToArray(), restoredModel.Factors.ToArray());
        Assert.Equal(uninterrupted.Objective, restored.Objective);
        await rdd.UnpersistAsync();
    }
}
