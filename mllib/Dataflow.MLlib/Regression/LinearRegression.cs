using System.Diagnostics;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Training;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Regression;

/// <summary>
/// Least-squares linear regression trained in driver (BSP) mode: minimises (1/n) Σ ½(x·w + b − y)² + (λ/2)‖w‖²,
/// the intercept unpenalised. With at most <see cref="MaxNormalEquationFeatures"/> features it solves the normal
/// equations from one pass over the data; otherwise (or when asked) it runs the configured optimizer, one engine job
/// per evaluation. Settings are the plain properties of <see cref="LinearEstimator"/>, with Spark's defaults.
/// </summary>
/// <example><code>
/// var model = await new LinearRegression { RegParam = 0.1 }.FitAsync(training, ct);
/// var y = model.Predict(Vectors.Dense(1.5, 2.0));
/// </code></example>
/// <remarks>Spark: org.apache.spark.ml.regression.LinearRegression (solver auto / normal / l-bfgs; elasticNetParam 0,
/// standardization false)</remarks>
public sealed class LinearRegression : LinearEstimator
{
    /// <summary>The most features the normal equations are used for (Spark's limit, 4,096).</summary>
    public const int MaxNormalEquationFeatures = 4096;

    /// <summary>How the problem is solved. Default <see cref="LinearRegressionSolver.Auto"/>.</summary>
    /// <remarks>Spark: solver</remarks>
    public LinearRegressionSolver Solver { get; set; } = LinearRegressionSolver.Auto;

    /// <summary>Trains a model on <paramref name="points"/> (labels are the targets).</summary>
    /// <param name="points">The training data; all points need the same feature count.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <exception cref="ArgumentException">The data is empty or mixes feature counts; the normal equations were forced with
    /// more than <see cref="MaxNormalEquationFeatures"/> features.</exception>
    public async Task<LinearRegressionModel> FitAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        Validate();
        var kernels = ExecutorKernels.For(Kernels, Device, points.Context, Logger);
        var data = await TrainingData.PackAsync(points, null, StorageLevel, callerFile, callerLine, cancellationToken).ConfigureAwait(false);
        try
        {
            var d = data.Features;
            if (Solver == LinearRegressionSolver.NormalEquations && d > MaxNormalEquationFeatures)
            {
                throw new ArgumentException(
                    $"The normal equations are limited to {MaxNormalEquationFeatures} features; the data has {d}. Use Solver = Iterative (L-BFGS).", nameof(points));
            }

            var normal = Solver == LinearRegressionSolver.NormalEquations
                || (Solver == LinearRegressionSolver.Auto && d <= MaxNormalEquationFeatures && Optimizer == TrainingOptimizer.Lbfgs);
            if (normal && await SolveNormalEquationsAsync(data, cancellationToken).ConfigureAwait(false) is { } solved)
            {
                return solved;
            }

            var (point, summary) = await MinimizeAsync(data, Contributions.LeastSquares(kernels, d), RegularizedKeys.Below(d), new double[d + 1],
                cancellationToken).ConfigureAwait(false);
            return new LinearRegressionModel(point[..d], point[d], summary);
        }
        finally
        {
            await data.Blocks.UnpersistAsync().ConfigureAwait(false);
        }
    }

    // One pass sums A = Σ z zᵀ, c = Σ z y and Σ y² (z = [x, 1]); the optimum solves (A/n + λ·I_w) β = c/n, where I_w is
    // the identity on the weights and 0 on the intercept. Null (after a warning) when that system is singular.
    private async Task<LinearRegressionModel?> SolveNormalEquationsAsync(TrainingData data, CancellationToken cancellationToken)
    {
        var d = data.Features;
        var clock = Stopwatch.StartNew();
        await using var recorder = new IterationRecorder(data.Blocks.Context);
        var pass = await BlockPass.RunAsync(data.Blocks, ReadOnlyMemory<double>.Empty, (int)GramContribution.Length(d), GramContribution.For(d), null,
            AggregationDepth, recorder, cancellationToken).ConfigureAwait(false);
        var n = (double)pass.Rows;
        var sums = pass.Sums;
        var triangle = (int)GramContribution.TriangleLength(d);
        var a = Matrix<double>.Build.Dense(d + 1, d + 1);
        for (var i = 0; i <= d; i++)
        {
            var row = GramContribution.RowStart(i, d);
            for (var j = i; j <= d; j++)
            {
                var value = sums[row + j - i] / n;
                a[i, j] = value;
                a[j, i] = value;
            }
        }

        var c = Vector<double>.Build.Dense(d + 1, i => sums[triangle + i] / n);
        var yy = sums[triangle + d + 1] / n;
        var system = a.Clone();
        for (var j = 0; j < d; j++)
        {
            system[j, j] += RegParam;
        }

        double[] beta;
        try
        {
            beta = system.Cholesky().Solve(c).ToArray();
        }
        catch (ArgumentException)
        {
            beta = [];
        }

        if (beta.Length == 0 || !beta.All(double.IsFinite))
        {
            Logger.LogWarning("LinearRegression: the normal equations are singular (collinear or constant features with RegParam 0); " +
                "solving with {Optimizer} instead. Set RegParam > 0 or drop the redundant features.", Optimizer);
            return null;
        }

        // f(β) = ½ βᵀAβ − βᵀc + ½ mean(y²) + (λ/2)‖w‖², from the same sums.
        var betaVector = Vector<double>.Build.Dense(beta);
        var objective = (0.5 * betaVector.DotProduct(a * betaVector)) - betaVector.DotProduct(c) + (0.5 * yy)
            + new L2Regularization(RegParam, RegularizedKeys.Below(d)).Penalty(beta);
        recorder.EndIteration(1, objective);
        var timings = await recorder.CompleteAsync().ConfigureAwait(false);
        var summary = new TrainingSummary(OptimizationStatus.GradientConverged, "LinearRegression: solved the normal equations (one pass)", objective,
            timings, 1, clock.Elapsed.TotalSeconds);
        return new LinearRegressionModel(beta[..d], beta[d], summary);
    }
}
