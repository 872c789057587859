using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// PS training in local mode (a barrier stage of 4 workers on local[2]) converges, under every consistency model with
/// the default updater settings, to within 1% of the optimum: breast cancer against Newton's method in float64 (written
/// in the tests), the text data against driver-mode L-BFGS.
/// </summary>
public sealed class PsLogisticRegressionTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("bsp")]
    [InlineData("ssp:3")]
    [InlineData("asp")]
    public async Task BreastCancer_EachConsistency_ReachesTheOptimumWithinOnePercent(string consistency)
    {
        const double lambda = 1.0 / 569;
        var reference = Classification.LogisticReference.SolveBinary(ReferenceData.FromCsv("breast_cancer.csv", standardize: true), y => y == 1, lambda);
        var points = await fixture.Context.LoadCsvAsync(DataFiles.Path("breast_cancer.csv"), cancellationToken: Ct);
        var scaled = (await new StandardScaler().FitAsync(points, Ct)).Transform(points).Repartition(4);

        var (model, summary) = await new PsLogisticRegression { Consistency = consistency, RegParam = lambda, Iterations = 500, Kernels = Paced(consistency) }
            .FitAsync(scaled, Ct);

        Assert.True(summary.Objective >= reference.Value - 1e-9 && summary.Objective <= reference.Value * 1.01,
            $"{consistency}: objective {summary.Objective}, optimum {reference.Value} (+{(summary.Objective / reference.Value) - 1:P2}); staleness seen {string.Join(", ", summary.Workers.Select(w => w.MaxStaleness))}");
        Assert.Equal(4, summary.Workers.Count);
        Assert.All(summary.Workers, w => Assert.Equal(500, w.Clocks));
        Assert.True(summary.BytesSent > 0 && summary.BytesReceived > 0);
        if (consistency == "bsp")
        {
            // BSP: the model after the run is a function of the data alone, so a second run gives the same objective.
            var again = await new PsLogisticRegression { Consistency = consistency, RegParam = lambda, Iterations = 500 }.FitAsync(scaled, Ct);
            Assert.Equal(summary.Objective, again.Summary.Objective);
        }

        Assert.Equal(2, model.NumClasses);
    }

    [Theory]
    [InlineData("bsp")]
    [InlineData("ssp:2")]
    [InlineData("asp")]
    public async Task MaxTime_Zero_EveryWorkerRunsOneClock_AndNoneWaitsForAStoppedOne(string consistency)
    {
        var points = await fixture.Context.LoadCsvAsync(DataFiles.Path("breast_cancer.csv"), cancellationToken: Ct);
        var scaled = (await new StandardScaler().FitAsync(points, Ct)).Transform(points).Repartition(3);

        var (limited, summary) = await new PsLogisticRegression { Consistency = consistency, RegParam = 0.01, Iterations = 40, MaxTime = TimeSpan.Zero }
            .FitAsync(scaled, Ct);

        Assert.Equal(1, summary.Clocks);
        Assert.All(summary.Workers, w => Assert.True(w.Clocks == 1 && w.ComputeSeconds.Length == 1 && w.EndSeconds!.Length == 1, $"worker {w.Worker}: {w.Clocks} clocks"));
        if (consistency != "asp")
        {
            // Under BSP and SSP every worker's one clock reads the zero model, so the result is the one-clock run's.
            var (one, oneSummary) = await new PsLogisticRegression { Consistency = consistency, RegParam = 0.01, Iterations = 1 }.FitAsync(scaled, Ct);
            Assert.Equal(one.Coefficients, limited.Coefficients);
            Assert.Equal(one.Intercepts, limited.Intercepts);
            Assert.Equal(oneSummary.Objective, summary.Objective);
        }
    }

    [Fact]
    public async Task TextData_EachConsistency_ReachesTheDriverLbfgsOptimumWithinOnePercent()
    {
        // The first 3,000 documents, hashed into 2^16 features, keep the driver's L-BFGS reference (dense 2^16 vectors per
        // iteration) and 250 clocks per mode to seconds on two cores.
        using var directory = new TempDirectory();
        var file = directory.Write("docs.tsv", string.Join('\n', File.ReadLines(DataFiles.Path("austen-vs-jargon.tsv")).Take(3000)) + "\n");
        var points = (await fixture.Context.LoadTextAsync(file, numFeatures: 1 << 16, cancellationToken: Ct)).Repartition(4).Cache();
        const double lambda = 1e-4;
        var optimum = (await new LogisticRegression { RegParam = lambda, Tolerance = 1e-10, MaxIterations = 300 }.FitAsync(points, Ct)).Summary!.Objective;

        var failures = new List<string>();
        foreach (var consistency in new[] { "bsp", "ssp:3", "asp" })
        {
            var (_, summary) = await new PsLogisticRegression { Consistency = consistency, RegParam = lambda, Iterations = 250, Kernels = Paced(consistency) }
                .FitAsync(points, Ct);
            Assert.True(summary.Workers.All(w => w.Keys < (1 << 16) && w.Keys > 1000), "sparse: each worker pulls only the keys its documents touch");
            if (!(summary.Objective >= optimum * (1 - 1e-9) && summary.Objective <= optimum * 1.01))
            {
                failures.Add($"{consistency}: objective {summary.Objective}, driver optimum {optimum} (+{(summary.Objective / optimum) - 1:P2})");
            }
        }

        Assert.Empty(failures);
    }

    // ASP has no bound, so where it ends up depends on how evenly the workers run: paced within 2 clocks it is the
    // method the 1% claim is about; 4 unpaced threads on a loaded 2-core machine were seen 50–109 clocks apart at the
    // end (one worker training alone) and 3–11% off. BSP and SSP run unpaced: their bound is the point.
    private static Kernels.IBlockKernels Paced(string consistency) =>
        consistency == "asp" ? new PacedKernels(Guid.NewGuid().ToString("N"), 4, 2) : new Kernels.SimdKernels();

    [Fact]
    public async Task WorkerLost_StageRestoresTheLastSnapshot_AndEqualsTheUninterruptedRun()
    {
        const double lambda = 1.0 / 569;
        using var directory = new TempDirectory();
        var points = await fixture.Context.LoadCsvAsync(DataFiles.Path("breast_cancer.csv"), cancellationToken: Ct);
        var scaled = (await new StandardScaler().FitAsync(points, Ct)).Transform(points).Repartition(4).Cache();
        var settings = new PsLogisticRegression { RegParam = lambda, Iterations = 300, SnapshotEvery = 50, SnapshotDirectory = directory.Path };

        // Worker 2 fails in its clock 137 (its 138th kernel call): the stage runs again from the snapshot at clock 100.
        settings.Kernels = new FailingKernels(Guid.NewGuid().ToString("N"), partition: 2, call: 138);
        var (_, restored) = await settings.FitAsync(scaled, Ct);
        settings.Kernels = new Kernels.SimdKernels();
        settings.SnapshotEvery = 0;
        var (_, uninterrupted) = await settings.FitAsync(scaled, Ct);

        Assert.All(restored.Workers, w => Assert.Equal(100, w.StartClock));
        Assert.All(restored.Workers, w => Assert.Equal(300, w.Clocks));
        // BSP is serial: resuming from the snapshot (values and AdaGrad state of clocks < 100) applies no update twice or
        // loses none, so the result is the uninterrupted run's.
        Assert.Equal(uninterrupted.Objective, restored.Objective, 1e-12);
    }

    [Fact]
    public async Task Multiclass_IsRefusedWithAMessage()
    {
        var points = await fixture.Context.LoadCsvAsync(DataFiles.Path("iris.csv"), cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new PsLogisticRegression().FitAsync(points, Ct));
        Assert.Contains("binary", error.Message);
        Assert.Contains("3 classes", error.Message);
    }
}
