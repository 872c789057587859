using Dataflow.MLlib.Evaluation;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Regression;
using Dataflow.MLlib.Tests.Optimization;
using Dataflow.MLlib.Tests.Support;
using Dataflow.MLlib.Training;
using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Tests.Regression;

/// <summary>Linear regression against a float64 normal-equations solve (Cholesky) written here.</summary>
public sealed class LinearRegressionTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private const int Features = 6;
    private static readonly double[] s_truth = [1.5, -2, 0.5, 0, 3, -0.25];
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReferenceData Data(int rows = 500, int seed = 5) => ReferenceData.Random(rows, Features, seed, (x, random) =>
        x.Select((v, j) => v * s_truth[j]).Sum() + 0.75 + (random.NextDouble() - 0.5) * 0.2);

    /// <summary>Minimises (1/n) Σ ½(x·w + b − y)² + (λ/2)‖w‖² by the normal equations, and the objective at the solution from the residuals.</summary>
    private static (double[] Beta, double Objective) Reference(ReferenceData data, double lambda)
    {
        var d = data.Features;
        var n = data.Rows;
        var a = new double[d + 1, d + 1];
        var c = new double[d + 1];
        foreach (var (x, y) in data.X.Zip(data.Y))
        {
            double[] z = [.. x, 1];
            for (var i = 0; i <= d; i++)
            {
                c[i] += z[i] * y / n;
                for (var j = 0; j <= d; j++)
                {
                    a[i, j] += z[i] * z[j] / n;
                }
            }
        }

        for (var j = 0; j < d; j++)
        {
            a[j, j] += lambda;
        }

        var beta = NewtonSolver.CholeskySolve(a, c);
        return (beta, Objective(data, lambda, beta));
    }

    private static double Objective(ReferenceData data, double lambda, double[] beta)
    {
        var d = data.Features;
        var loss = data.X.Zip(data.Y).Sum(p => 0.5 * Math.Pow(p.First.Select((v, j) => v * beta[j]).Sum() + beta[d] - p.Second, 2)) / data.Rows;
        return loss + 0.5 * lambda * beta[..d].Sum(w => w * w);
    }

    private static void AssertClose(double[] expected, LinearRegressionModel model, double tolerance)
    {
        for (var j = 0; j < expected.Length - 1; j++)
        {
            Assert.True(Math.Abs(model.Coefficients[j] - expected[j]) <= tolerance * Math.Max(1, Math.Abs(expected[j])), $"w{j}: {model.Coefficients[j]} vs {expected[j]}");
        }

        Assert.True(Math.Abs(model.Intercept - expected[^1]) <= tolerance * Math.Max(1, Math.Abs(expected[^1])), $"b: {model.Intercept} vs {expected[^1]}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public async Task NormalEquations_MatchACholeskySolve_InOnePass(double lambda)
    {
        var data = Data();
        var (beta, objective) = Reference(data, lambda);

        var model = await new LinearRegression { RegParam = lambda }.FitAsync(_ctx.Parallelize(data.Points(), 4), Ct);

        AssertClose(beta, model, 1e-9);
        Assert.Equal(objective, model.Summary!.Objective, 1e-9 * objective);
        Assert.Equal(1, model.Summary.Passes);
        Assert.Single(model.Summary.Iterations);
        Assert.True(model.Summary.Converged);
    }

    [Fact]
    public async Task NormalEquations_OverSparseBlocks_MatchACholeskySolve()
    {
        // Mostly zeros, so the blocks are CSR; the reference sees the same values densely.
        var random = new Random(9);
        var x = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, 20).Select(_ => random.NextDouble() < 0.15 ? (double)(float)(random.NextDouble() * 4 - 2) : 0).ToArray()).ToArray();
        var y = x.Select(r => r.Select((v, j) => v * (j % 5 - 2)).Sum() + 1 + random.NextDouble() * 0.1).ToArray();
        var data = new ReferenceData(x, y);
        var points = x.Select((r, i) => new LabeledPoint(y[i], Vectors.Dense(r).ToSparse())).ToArray();
        var (beta, objective) = Reference(data, 0.05);

        var model = await new LinearRegression { RegParam = 0.05 }.FitAsync(_ctx.Parallelize(points, 3), Ct);

        AssertClose(beta, model, 1e-9);
        Assert.Equal(objective, model.Summary!.Objective, 1e-9 * objective);
    }

    [Fact]
    public async Task Lbfgs_ReachesTheSameOptimum()
    {
        var data = Data();
        var (beta, objective) = Reference(data, 0.1);

        var model = await new LinearRegression { RegParam = 0.1, Solver = LinearRegressionSolver.Iterative, Tolerance = 1e-12, MaxIterations = 500 }
            .FitAsync(_ctx.Parallelize(data.Points(), 4), Ct);

        Assert.True(model.Summary!.Passes > 2);
        Assert.True(Math.Abs(model.Summary.Objective - objective) <= 1e-9 * objective, $"{model.Summary.Objective:R} vs {objective:R}");
        AssertClose(beta, model, 1e-4);
    }

    [Fact]
    public async Task Sgd_ApproachesTheOptimum()
    {
        var data = Data();
        var (_, objective) = Reference(data, 0.1);

        var model = await new LinearRegression
        {
            RegParam = 0.1, Optimizer = TrainingOptimizer.Sgd, StepSize = 0.5, StepDecay = 0, MiniBatchFraction = 0.5, MaxIterations = 200, Tolerance = 0,
        }.FitAsync(_ctx.Parallelize(data.Points(), 4), Ct);

        Assert.Equal(200, model.Summary!.TotalIterations);
        Assert.InRange(model.Summary.Objective, objective - 1e-12, objective * 1.05);
    }

    [Fact]
    public async Task SingularNormalEquations_FallBackToLbfgsWithAWarning()
    {
        var data = Data(200);
        var duplicated = data.Points().Select(p => p with { Features = Vectors.Dense([.. p.Features.ToArray(), p.Features[0]]) }).ToArray();
        var logger = new RecordingLogger();

        var model = await new LinearRegression { Logger = logger }.FitAsync(_ctx.Parallelize(duplicated, 2), Ct);

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("singular", StringComparison.Ordinal));
        Assert.True(model.Summary!.Passes > 1);
        // The two copies of feature 0 share its weight.
        Assert.Equal(s_truth[0], model.Coefficients[0] + model.Coefficients[Features], 0.05);
    }

    [Fact]
    public async Task SaveAndLoad_PredictsTheSame()
    {
        var points = _ctx.Parallelize(Data().Points(), 2);
        var model = await new LinearRegression().FitAsync(points, Ct);
        using var dir = new TempDirectory();

        await model.SaveAsync(dir.Path, overwrite: true, cancellationToken: Ct);
        var loaded = await LinearRegressionModel.LoadAsync(dir.Path, Ct);

        Assert.Equal(await model.Transform(points).ToListAsync(Ct), await loaded.Transform(points).ToListAsync(Ct));
        var rmse = await RegressionMetrics.RootMeanSquaredErrorAsync(loaded.Transform(points), Ct);
        Assert.InRange(rmse, 0.04, 0.07);
    }
}
