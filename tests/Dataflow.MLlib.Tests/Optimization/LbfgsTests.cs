using Dataflow.MLlib.Optimization;
using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Tests.Optimization;

public sealed class LbfgsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MinimizeAsync_Rosenbrock2D_ReachesOneOne()
    {
        var result = await new Lbfgs { Tolerance = 1e-12 }.MinimizeAsync(TestProblems.Rosenbrock(2), TestProblems.RosenbrockStart(2),
            cancellationToken: Ct);

        Assert.True(result.Converged, result.Message);
        Assert.True(TestProblems.MaxAbsDifference(result.Point, [1, 1]) < 1e-6, $"ended at ({result.Point[0]}, {result.Point[1]})");
        Assert.True(result.Value < 1e-12, $"objective {result.Value}");
    }

    [Fact]
    public async Task MinimizeAsync_MaxTime_StopsAfterTheFirstIterationEndingPastIt_AtThatIterationsPoint()
    {
        // Every evaluation takes one second of fake time; the limit is reached during iteration 3's line search.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var timed = DifferentiableFunction.FromGradient(2, (x, g) =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var a = x[1] - (x[0] * x[0]);
            var b = 1 - x[0];
            g[0] = (-400 * a * x[0]) - (2 * b);
            g[1] = 200 * a;
            return (100 * a * a) + (b * b);
        });
        var reference = await new Lbfgs { Tolerance = 0, GradientTolerance = 0, MaxIterations = 40 }.MinimizeAsync(TestProblems.Rosenbrock(2), TestProblems.RosenbrockStart(2),
            cancellationToken: TestContext.Current.CancellationToken);
        var secondsAfter = new List<int>();
        var evaluations = 1;
        foreach (var record in reference.History.Skip(1))
        {
            evaluations += record.Evaluations;
            secondsAfter.Add(evaluations);
        }

        var limit = secondsAfter[2] - 0.5;
        var result = await new Lbfgs { Tolerance = 0, GradientTolerance = 0, MaxIterations = 40, MaxTime = TimeSpan.FromSeconds(limit), Time = time }
            .MinimizeAsync(timed, TestProblems.RosenbrockStart(2), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(OptimizationStatus.TimeLimit, result.Status);
        Assert.Equal(3, result.History[^1].Iteration);
        Assert.Equal(reference.History[3].Value, result.Value);
    }

    [Fact]
    public async Task MinimizeAsync_RosenbrockHighDimensional_ReachesOnes()
    {
        const int n = 1000;
        var result = await new Lbfgs { Tolerance = 1e-12, MaxIterations = 1000 }.MinimizeAsync(TestProblems.Rosenbrock(n),
            TestProblems.RosenbrockStart(n), cancellationToken: Ct);

        Assert.True(result.Converged, result.Message);
        Assert.True(TestProblems.MaxAbsDifference(result.Point, Enumerable.Repeat(1.0, n).ToArray()) < 1e-5);
    }

    [Fact]
    public async Task MinimizeAsync_StronglyConvexQuadratic_ReachesKnownMinimiser()
    {
        var random = new Random(11);
        const int n = 30;
        var minimiser = TestProblems.RandomVector(n, random);
        var function = TestProblems.Quadratic(TestProblems.RandomSpd(n, random), minimiser, 3.0);

        var result = await new Lbfgs { Tolerance = 1e-14 }.MinimizeAsync(function, new double[n], cancellationToken: Ct);

        Assert.True(result.Converged, result.Message);
        Assert.True(TestProblems.MaxAbsDifference(result.Point, minimiser) < 1e-7);
        Assert.Equal(3.0, result.Value, 1e-12);
    }

    [Fact]
    public async Task MinimizeAsync_IllConditionedQuadratic_ReachesMinimiser()
    {
        // Condition number 1e6, rotated so that no coordinate is an eigenvector.
        var random = new Random(5);
        const int n = 100;
        var eigenvalues = Enumerable.Range(0, n).Select(i => Math.Pow(10, 6.0 * i / (n - 1))).ToArray();
        var minimiser = TestProblems.RandomVector(n, random);
        var function = TestProblems.Quadratic(TestProblems.WithSpectrum(eigenvalues, random), minimiser, 0);

        // Iterations grow like √κ (about 12,000 here, a second); the objective never rises on the way.
        var result = await new Lbfgs { Tolerance = 1e-15, MaxIterations = 20_000 }.MinimizeAsync(function, new double[n], cancellationToken: Ct);

        Assert.True(result.Converged, result.Message);
        Assert.All(result.History.Zip(result.History.Skip(1)), p => Assert.True(p.Second.Value <= p.First.Value));
        Assert.True(TestProblems.MaxAbsDifference(result.Point, minimiser) < 1e-6,
            $"max error {TestProblems.MaxAbsDifference(result.Point, minimiser)} after {result.Iterations} iterations");
        Assert.True(result.Value < 1e-12);
    }

    [Fact]
    public async Task MinimizeAsync_LogisticRegression_MatchesNewtonObjective()
    {
        var problem = new LogisticProblem(rows: 300, features: 6, regParam: 1e-2, seed: 3);
        var (newtonWeights, newtonObjective) = problem.SolveByNewton();

        var result = await new Lbfgs { Tolerance = 1e-12 }.MinimizeAsync(problem.AsFunction(), new double[problem.Dimension], cancellationToken: Ct);

        Assert.True(result.Converged, result.Message);
        Assert.True(Math.Abs(result.Value - newtonObjective) <= 1e-8 * newtonObjective,
            $"L-BFGS {result.Value:R}, Newton {newtonObjective:R}");
        Assert.True(TestProblems.MaxAbsDifference(result.Point, newtonWeights) < 1e-4);
    }

    [Fact]
    public async Task MinimizeAsync_IterationLimit_EndsWithBestPointAndWarning()
    {
        var logger = new RecordingLogger();
        var function = new CountingFunction(TestProblems.Rosenbrock(2));

        var result = await new Lbfgs { MaxIterations = 5, Logger = logger }.MinimizeAsync(function, TestProblems.RosenbrockStart(2),
            cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.MaxIterations, result.Status);
        Assert.False(result.Converged);
        Assert.Equal(5, result.Iterations);
        Assert.Equal(6, result.History.Count);
        AssertBestPointSeen(function, result);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("iteration limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MinimizeAsync_WrongGradient_EndsWithLineSearchFailedAndBestPoint()
    {
        // The gradient is right for the first evaluations, then points the wrong way: no step can satisfy the line search.
        var evaluations = 0;
        var quadratic = TestProblems.Quadratic(TestProblems.RandomSpd(8, new Random(2)), TestProblems.RandomVector(8, new Random(3)), 1);
        var bad = DifferentiableFunction.FromAsync(8, async (x, ct) =>
        {
            var value = await quadratic.EvaluateAsync(x, ct);
            return ++evaluations <= 4 ? value : value with { Gradient = [.. value.Gradient.Select(g => -g)] };
        });
        var function = new CountingFunction(bad);
        var logger = new RecordingLogger();

        var result = await new Lbfgs { Logger = logger }.MinimizeAsync(function, new double[8], cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.LineSearchFailed, result.Status);
        Assert.True(result.Iterations >= 1);
        AssertBestPointSeen(function, result);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("line search", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MinimizeAsync_NonFiniteTrials_BacktracksToTheMinimiser()
    {
        // f(x) = 50(x − ½)² − log(0.8 − x), undefined (NaN) for x ≥ 0.8; the first trial step (length 1) lands at x = 1.
        var nonFinite = 0;
        var function = DifferentiableFunction.FromGradient(1, (x, g) =>
        {
            if (x[0] >= 0.8)
            {
                nonFinite++;
                g[0] = double.NaN;
                return double.NaN;
            }

            g[0] = 100 * (x[0] - 0.5) + 1 / (0.8 - x[0]);
            return 50 * (x[0] - 0.5) * (x[0] - 0.5) - Math.Log(0.8 - x[0]);
        });

        var result = await new Lbfgs { Tolerance = 1e-14 }.MinimizeAsync(function, new double[1], cancellationToken: Ct);

        // f′ = 0 ⇔ 100x² − 130x + 39 = 0, the root below 0.8.
        var expected = (130 - Math.Sqrt(130 * 130 - 4 * 100 * 39)) / 200;
        Assert.True(result.Converged, result.Message);
        Assert.True(nonFinite >= 1, "no trial left the domain, so backtracking was not exercised");
        Assert.Equal(expected, result.Point[0], 1e-9);
    }

    [Fact]
    public async Task MinimizeAsync_NonFiniteStart_ReturnsStatusWithoutThrowing()
    {
        var function = DifferentiableFunction.FromGradient(2, (x, g) => double.PositiveInfinity);

        var result = await new Lbfgs().MinimizeAsync(function, new double[2], cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.NonFiniteValue, result.Status);
        Assert.Equal([0.0, 0.0], result.Point);
    }

    [Fact]
    public async Task MinimizeAsync_RelativeTolerance_StopsAtTheFirstSmallChange()
    {
        var problem = new LogisticProblem(rows: 200, features: 4, regParam: 1e-3, seed: 8);
        const double tolerance = 1e-4;

        var result = await new Lbfgs { Tolerance = tolerance }.MinimizeAsync(problem.AsFunction(), new double[problem.Dimension],
            cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.FunctionValuesConverged, result.Status);
        var changes = result.History.Zip(result.History.Skip(1), (a, b) => Math.Abs(a.Value - b.Value) / Math.Max(Math.Abs(b.Value), 1e-8))
            .ToList();
        Assert.True(changes[^1] <= tolerance);
        Assert.All(changes.SkipLast(1), c => Assert.True(c > tolerance));
        Assert.True(result.Iterations > 2);
    }

    [Fact]
    public async Task MinimizeAsync_History_CountsEveryEvaluationAndReportsEachIteration()
    {
        var function = new CountingFunction(TestProblems.Rosenbrock(2));
        var observed = new List<IterationRecord>();

        var result = await new Lbfgs { Tolerance = 1e-10 }.MinimizeAsync(function, TestProblems.RosenbrockStart(2), observed.Add, Ct);

        Assert.Equal(function.Evaluations.Count, result.Evaluations);
        Assert.Equal(function.Evaluations.Count, result.History.Sum(r => r.Evaluations));
        Assert.Equal(result.History, observed);
        Assert.Equal(Enumerable.Range(0, result.History.Count), result.History.Select(r => r.Iteration));
        Assert.Equal(1, result.History[0].Evaluations);
        Assert.All(result.History, r => Assert.True(r.Evaluations >= 1));
        Assert.Contains(result.History, r => r.Evaluations > 1);

        // Each record's value is the last evaluation of its iteration (the accepted trial).
        var end = 0;
        foreach (var record in result.History)
        {
            end += record.Evaluations;
            Assert.Equal(function.Evaluations[end - 1].Value, record.Value);
        }
    }

    [Fact]
    public async Task MinimizeAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        var calls = 0;
        var inner = TestProblems.Rosenbrock(2);
        var function = DifferentiableFunction.FromAsync(2, async (x, ct) =>
        {
            if (++calls == 3)
            {
                await cts.CancelAsync();
            }

            ct.ThrowIfCancellationRequested();
            return await inner.EvaluateAsync(x, ct);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Lbfgs().MinimizeAsync(function, TestProblems.RosenbrockStart(2),
            cancellationToken: cts.Token));
    }

    [Fact]
    public async Task MinimizeAsync_WrongInitialLength_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new Lbfgs().MinimizeAsync(TestProblems.Rosenbrock(2), new double[3],
            cancellationToken: Ct));
    }

    /// <summary>The result is the lowest finite value any evaluation returned, at the point that returned it.</summary>
    private static void AssertBestPointSeen(CountingFunction function, OptimizationResult result)
    {
        var best = function.Evaluations.Where(e => double.IsFinite(e.Value)).MinBy(e => e.Value);
        Assert.Equal(best.Value, result.Value);
        Assert.Equal(best.Point, result.Point);
    }
}
