using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Evaluation;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Persistence;
using Dataflow.MLlib.Tests.Optimization;
using Dataflow.MLlib.Tests.Support;
using Dataflow.MLlib.Training;
using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Tests.Classification;

/// <summary>
/// Logistic regression against optima computed here by Newton's method in float64 (breast cancer: binary; iris:
/// softmax), with the label conventions, persistence, SGD and the optimizer's limits.
/// </summary>
public sealed class LogisticRegressionTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Rdd<LabeledPoint>> StandardizedAsync(string file)
    {
        var points = await _ctx.LoadCsvAsync(DataFiles.Path(file), cancellationToken: Ct);
        var scaler = await new StandardScaler().FitAsync(points, Ct);
        return scaler.Transform(points);
    }

    private static double Relative(double actual, double expected) => Math.Abs(actual - expected) / Math.Abs(expected);

    [Theory]
    [InlineData(1e-12, 1e-6)]
    [InlineData(1e-6, 1e-4)]
    public async Task BreastCancer_MatchesTheNewtonOptimum(double tolerance, double agreement)
    {
        var lambda = 1.0 / 569;
        var reference = LogisticReference.SolveBinary(ReferenceData.FromCsv("breast_cancer.csv", standardize: true), y => y == 1, lambda);
        var points = await StandardizedAsync("breast_cancer.csv");

        var model = await new LogisticRegression { RegParam = lambda, Tolerance = tolerance, MaxIterations = 1000 }.FitAsync(points, Ct);

        Assert.False(model.IsMultinomial);
        Assert.Equal([0.0, 1.0], model.Labels);
        Assert.True(Relative(model.Summary!.Objective, reference.Value) <= agreement,
            $"objective {model.Summary.Objective:R}, Newton {reference.Value:R}");
        Assert.True(model.Summary.Objective >= reference.Value - 1e-12, "no point can beat the optimum");
        var accuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(points), Ct);
        Assert.True(accuracy >= 0.98, $"train accuracy {accuracy}");
    }

    [Fact]
    public async Task Iris_Multinomial_OnIlgpuCpuKernels_ReachesTheSimdObjective()
    {
        // The ILGPU kernels on ILGPU's CPU accelerator, created once per executor (local mode: one), against the
        // managed kernels: the same optimum to 1e-6 relative.
        var points = await StandardizedAsync("iris.csv");
        var simd = await new LogisticRegression { RegParam = 1.0 / 150, Tolerance = 1e-10, MaxIterations = 200 }.FitAsync(points, Ct);

        var ilgpu = await new LogisticRegression { RegParam = 1.0 / 150, Tolerance = 1e-10, MaxIterations = 200, Kernels = new ExecutorKernels(Kernels.KernelDevice.IlgpuCpu) }
            .FitAsync(points, Ct);

        Assert.True(Relative(ilgpu.Summary!.Objective, simd.Summary!.Objective) <= 1e-6,
            $"ilgpu-cpu objective {ilgpu.Summary.Objective:R}, simd {simd.Summary.Objective:R}");
    }

    [Theory]
    [InlineData(1e-12, 1e-6)]
    [InlineData(1e-6, 1e-4)]
    public async Task Iris_Multinomial_MatchesTheNewtonOptimum(double tolerance, double agreement)
    {
        var lambda = 1.0 / 150;
        var reference = LogisticReference.SolveMultinomial(ReferenceData.FromCsv("iris.csv", standardize: true), 3, lambda);
        var points = await StandardizedAsync("iris.csv");

        var model = await new LogisticRegression { RegParam = lambda, Tolerance = tolerance, MaxIterations = 1000 }.FitAsync(points, Ct);

        Assert.True(model.IsMultinomial);
        Assert.Equal(12, model.Coefficients.Length);
        Assert.True(Relative(model.Summary!.Objective, reference.Value) <= agreement,
            $"objective {model.Summary.Objective:R}, Newton {reference.Value:R}");
        var accuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(points), Ct);
        Assert.True(accuracy >= 0.95, $"train accuracy {accuracy}");
    }

    [Fact]
    public async Task Objective_IsTheSameInLocal1AndLocal4()
    {
        var data = ReferenceData.FromCsv("breast_cancer.csv", standardize: true).Points();
        var objectives = new List<double>();
        foreach (var master in new[] { "local[1]", "local[4]" })
        {
            await using var ctx = new DataflowContext(master);
            var model = await new LogisticRegression { RegParam = 0.01 }.FitAsync(ctx.Parallelize(data, 4), Ct);
            objectives.Add(model.Summary!.Objective);
        }

        Assert.True(Relative(objectives[1], objectives[0]) <= 1e-9, $"{objectives[0]:R} vs {objectives[1]:R}");
    }

    [Fact]
    public async Task SaveAndLoad_PredictsTheSame()
    {
        var points = await StandardizedAsync("iris.csv");
        var model = await new LogisticRegression { RegParam = 0.01 }.FitAsync(points, Ct);
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model");

        await model.SaveAsync(path, cancellationToken: Ct);
        var loaded = await LogisticRegressionModel.LoadAsync(path, Ct);

        Assert.Null(loaded.Summary);
        Assert.Equal(model.Labels, loaded.Labels);
        foreach (var p in await points.ToListAsync(Ct))
        {
            Assert.Equal(model.Predict(p.Features), loaded.Predict(p.Features));
            Assert.Equal(model.PredictProbabilities(p.Features), loaded.PredictProbabilities(p.Features));
        }

        await Assert.ThrowsAsync<IOException>(() => model.SaveAsync(path, cancellationToken: Ct));
    }

    [Fact]
    public async Task Sgd_ConvergesNearTheOptimum()
    {
        var lambda = 1.0 / 569;
        var reference = LogisticReference.SolveBinary(ReferenceData.FromCsv("breast_cancer.csv", standardize: true), y => y == 1, lambda);
        var points = await StandardizedAsync("breast_cancer.csv");
        var sgd = new LogisticRegression
        {
            RegParam = lambda, Optimizer = TrainingOptimizer.Sgd, StepSize = 1.0, MiniBatchFraction = 0.5, MaxIterations = 300, Tolerance = 0, Seed = 7,
        };

        var model = await sgd.FitAsync(points, Ct);

        Assert.Equal(OptimizationStatus.MaxIterations, model.Summary!.Status);
        Assert.Equal(300, model.Summary.TotalIterations);
        // From log 2 at the start to within a quarter of the optimum: SGD's 1/√t steps approach a weakly regularised
        // optimum slowly, but steadily.
        Assert.InRange(model.Summary.Objective, reference.Value - 1e-12, reference.Value * 1.25);
        Assert.True(model.Summary.ObjectiveHistory[^1] < model.Summary.ObjectiveHistory[0] / 5);
        var accuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(points), Ct);
        Assert.True(accuracy >= 0.97, $"train accuracy {accuracy}");

        var again = await sgd.FitAsync(points, Ct);
        Assert.Equal(model.Coefficients, again.Coefficients);
    }

    [Fact]
    public async Task Labels_MinusOneAndPlusOne_TrainTheSameModelAsZeroAndOne()
    {
        var data = ReferenceData.Random(300, 3, 11, (x, random) => random.NextDouble() < 1 / (1 + Math.Exp(-3 * x[0])) ? 1 : 0);
        var zeroOne = data.Points();
        var signs = zeroOne.Select(p => p with { Label = p.Label == 1 ? 1 : -1 }).ToArray();

        var a = await new LogisticRegression { RegParam = 0.1 }.FitAsync(_ctx.Parallelize(zeroOne, 3), Ct);
        var b = await new LogisticRegression { RegParam = 0.1 }.FitAsync(_ctx.Parallelize(signs, 3), Ct);

        Assert.Equal([-1.0, 1.0], b.Labels);
        Assert.Equal(a.Summary!.Objective, b.Summary!.Objective, 12);
        var reference = LogisticReference.SolveBinary(data, y => y == 1, 0.1);
        Assert.True(Relative(a.Summary.Objective, reference.Value) <= 1e-4);
        foreach (var p in zeroOne)
        {
            Assert.Equal(a.Predict(p.Features) == 1 ? 1.0 : -1.0, b.Predict(p.Features));
        }
    }

    [Fact]
    public async Task Labels_OneToK_ArePredictedAsGiven()
    {
        var zeroBased = ReferenceData.FromCsv("iris.csv", standardize: true).Points();
        var oneBased = zeroBased.Select(p => p with { Label = p.Label + 1 }).ToArray();

        var a = await new LogisticRegression { RegParam = 0.05 }.FitAsync(_ctx.Parallelize(zeroBased, 2), Ct);
        var b = await new LogisticRegression { RegParam = 0.05 }.FitAsync(_ctx.Parallelize(oneBased, 2), Ct);

        Assert.Equal([1.0, 2.0, 3.0], b.Labels);
        Assert.Equal(a.Summary!.Objective, b.Summary!.Objective, 12);
        Assert.All(oneBased, p => Assert.Equal(a.Predict(p.Features) + 1, b.Predict(p.Features)));
        Assert.Equal(3, b.PredictProbabilities(oneBased[0].Features).Length);
        Assert.Equal(1.0, b.PredictProbabilities(oneBased[0].Features).Sum(), 12);
    }

    [Fact]
    public async Task IterationLimit_EndsWithTheBestPointAndAWarning()
    {
        var logger = new RecordingLogger();
        var points = await StandardizedAsync("breast_cancer.csv");

        var model = await new LogisticRegression { MaxIterations = 2, Logger = logger }.FitAsync(points, Ct);

        Assert.Equal(OptimizationStatus.MaxIterations, model.Summary!.Status);
        Assert.Equal(3, model.Summary.Iterations.Count);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("iteration limit", StringComparison.Ordinal));
        Assert.True(model.Summary.Objective < model.Summary.ObjectiveHistory[0]);
    }

    [Fact]
    public async Task Predict_AVectorOfAnotherSize_NamesBothCounts()
    {
        var model = new LogisticRegressionModel([0, 1], 3, [1, 2, 3], [0.5]);
        var error = Assert.Throws<ArgumentException>(() => model.Predict(Vectors.Dense(1, 2)));
        Assert.Contains("2 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("trained on 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 / (1 + Math.Exp(-(1 + 4 + 9 + 0.5))), model.PredictProbabilities(Vectors.Dense(1, 2, 3))[1], 15);
        // Extreme margins give probabilities of exactly 0 and 1, never NaN.
        Assert.Equal([0.0, 1.0], model.PredictProbabilities(Vectors.Dense(1000, 0, 0)));
        Assert.Equal([1.0, 0.0], model.PredictProbabilities(Vectors.Dense(-1000, 0, 0)));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Fit_WithOneClass_Fails()
    {
        var points = _ctx.Parallelize(new[] { new LabeledPoint(1, Vectors.Dense(1)), new LabeledPoint(1, Vectors.Dense(2)) }, 1);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new LogisticRegression().FitAsync(points, Ct));
        Assert.Contains("at least two classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_AnotherDirectory_IsAModelFormatError()
    {
        using var dir = new TempDirectory();
        var model = new LogisticRegressionModel([0, 1], 2, [1, 2], [0]);
        await model.SaveAsync(dir.Path, overwrite: true, cancellationToken: Ct);
        var metadata = Path.Combine(dir.Path, "metadata.json");
        await File.WriteAllTextAsync(metadata, (await File.ReadAllTextAsync(metadata, Ct)).Replace("LogisticRegressionModel", "KMeansModel", StringComparison.Ordinal), Ct);
        await Assert.ThrowsAsync<ModelFormatException>(() => LogisticRegressionModel.LoadAsync(dir.Path, Ct));
    }
}
