using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Tests.Optimization;

public sealed class MiniBatchGradientDescentTests
{
    private static readonly double[] s_curvatures = [1, 2, 3.5, 5];
    private static readonly double[] s_minimiser = [0.5, -1, 2, 0.25];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Updaters => ["sgd-constant", "sgd-inverse-sqrt", "sgd-inverse-time", "adagrad"];

    private static IUpdater Make(string name, L2Regularization? l2 = null) => name switch
    {
        "sgd-constant" => new SgdUpdater(new ConstantStepSchedule(0.3), l2),
        "sgd-inverse-sqrt" => new SgdUpdater(new InverseSqrtStepSchedule(0.3), l2),
        "sgd-inverse-time" => new SgdUpdater(new InverseTimeStepSchedule(0.3, 0.01), l2),
        "adagrad" => new AdaGradUpdater(regularization: l2),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Updaters))]
    public async Task MinimizeAsync_EachUpdaterOnAQuadratic_Converges(string updater)
    {
        var sgd = new MiniBatchGradientDescent { Updater = Make(updater), MaxIterations = 2000, Tolerance = 0 };

        var result = await sgd.MinimizeAsync(StochasticFunction.Quadratic(s_curvatures, s_minimiser), new double[4], cancellationToken: Ct);

        Assert.True(TestProblems.MaxAbsDifference(result.Point, s_minimiser) < 1e-6,
            $"{updater}: max error {TestProblems.MaxAbsDifference(result.Point, s_minimiser)}");
    }

    [Theory]
    [MemberData(nameof(Updaters))]
    public async Task MinimizeAsync_L2WithAnIntercept_ReachesTheRegularisedMinimiser(string updater)
    {
        // Keys 0..2 regularised, key 3 an intercept: the minimiser of ½a(w − c)² + ½λw² is ac / (a + λ), of the intercept c.
        const double lambda = 0.7;
        var sgd = new MiniBatchGradientDescent
        {
            Updater = Make(updater, new L2Regularization(lambda, RegularizedKeys.Below(3))),
            MaxIterations = 3000,
            Tolerance = 0,
        };

        var result = await sgd.MinimizeAsync(StochasticFunction.Quadratic(s_curvatures, s_minimiser), new double[4], cancellationToken: Ct);

        var expected = s_minimiser.Select((c, i) => i < 3 ? s_curvatures[i] * c / (s_curvatures[i] + lambda) : c).ToArray();
        Assert.True(TestProblems.MaxAbsDifference(result.Point, expected) < 1e-6,
            $"{updater}: ended at [{string.Join(", ", result.Point)}]");
    }

    [Fact]
    public async Task MinimizeAsync_ObjectiveTolerance_StopsAtTheFirstSmallChange()
    {
        const double tolerance = 1e-4;
        var sgd = new MiniBatchGradientDescent { Updater = new SgdUpdater(new ConstantStepSchedule(0.1)), Tolerance = tolerance, MaxIterations = 1000 };

        var result = await sgd.MinimizeAsync(StochasticFunction.Quadratic(s_curvatures, s_minimiser, offset: 1), new double[4], cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.FunctionValuesConverged, result.Status);
        var changes = result.History.Zip(result.History.Skip(1), (a, b) => Math.Abs(a.Value - b.Value) / Math.Abs(b.Value)).ToList();
        Assert.True(changes[^1] <= tolerance);
        Assert.All(changes.SkipLast(1), c => Assert.True(c > tolerance));
    }

    [Fact]
    public async Task MinimizeAsync_WeightsTolerance_StopsWhenTheUpdateIsSmall()
    {
        const double tolerance = 1e-5;
        const double step = 0.1;
        var sgd = new MiniBatchGradientDescent
        {
            Updater = new SgdUpdater(new ConstantStepSchedule(step)),
            Tolerance = tolerance,
            Convergence = ConvergenceCriterion.Weights,
            MaxIterations = 1000,
        };

        var result = await sgd.MinimizeAsync(StochasticFunction.Quadratic(s_curvatures, s_minimiser), new double[4], cancellationToken: Ct);

        // A constant-step SGD update moves the weights by step · ‖∇f‖ at the point it starts from.
        Assert.Equal(OptimizationStatus.WeightsConverged, result.Status);
        var bound = tolerance * Math.Max(1, Math.Sqrt(result.Point.Sum(w => w * w)));
        Assert.True(step * result.History[^1].GradientNorm <= bound * (1 + 1e-9));
        Assert.True(step * result.History[^2].GradientNorm > bound);
    }

    [Fact]
    public async Task MinimizeAsync_SampledLeastSquares_IsReproducibleBySeedAndConverges()
    {
        // Least squares on 400 rows; each batch samples rows with the batch's seed, as partitions would.
        var random = new Random(4);
        var truth = new[] { 1.5, -0.5, 2.0 };
        var rows = Enumerable.Range(0, 400).Select(_ => TestProblems.RandomVector(3, random)).ToArray();
        var targets = rows.Select(x => x.Zip(truth, (a, b) => a * b).Sum() + 0.01 * (random.NextDouble() - 0.5)).ToArray();
        StochasticFunction Sampled() => new(3, (w, batch) =>
        {
            var sampler = new Random(batch.PartitionSeed(0));
            var gradient = new double[3];
            var loss = 0.0;
            var count = 0L;
            for (var r = 0; r < rows.Length; r++)
            {
                if (sampler.NextDouble() >= batch.Fraction)
                {
                    continue;
                }

                var residual = rows[r].Zip(w, (a, b) => a * b).Sum() - targets[r];
                loss += 0.5 * residual * residual;
                for (var j = 0; j < 3; j++)
                {
                    gradient[j] += residual * rows[r][j];
                }

                count++;
            }

            return new MiniBatchValue(loss / count, [.. gradient.Select(g => g / count)], count);
        });

        async Task<(double[] Point, StochasticFunction Function)> RunAsync(long seed)
        {
            var function = Sampled();
            var sgd = new MiniBatchGradientDescent
            {
                Updater = new SgdUpdater(new InverseSqrtStepSchedule(0.5)),
                MiniBatchFraction = 0.1,
                Seed = seed,
                MaxIterations = 300,
                Tolerance = 0,
            };
            return ((await sgd.MinimizeAsync(function, new double[3], cancellationToken: Ct)).Point, function);
        }

        var (first, firstFunction) = await RunAsync(7);
        var (again, _) = await RunAsync(7);
        var (other, _) = await RunAsync(8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(TestProblems.MaxAbsDifference(first, truth) < 0.02, $"ended at [{string.Join(", ", first)}]");
        Assert.Equal(Enumerable.Range(1, 300), firstFunction.Batches.Select(b => b.Iteration));
        Assert.All(firstFunction.Batches, b => Assert.Equal(0.1, b.Fraction));
        Assert.Equal(300, firstFunction.Batches.Select(b => b.Seed).Distinct().Count());
    }

    [Fact]
    public async Task MinimizeAsync_MaxTime_StopsAfterTheFirstIterationEndingPastIt()
    {
        // Each batch takes one second of fake time: iterations end at 1, 2, 3, 4 s; a 3.5 s limit stops after the fourth.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var function = new StochasticFunction(4, (w, _) =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return StochasticFunction.QuadraticAt(s_curvatures, s_minimiser, 0, w);
        });
        var sgd = new MiniBatchGradientDescent { MaxIterations = 100, Tolerance = 0, MaxTime = TimeSpan.FromSeconds(3.5), Time = time };

        var result = await sgd.MinimizeAsync(function, new double[4], cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.TimeLimit, result.Status);
        Assert.Equal([1, 2, 3, 4], result.History.Select(r => r.Iteration));
        var fourIterations = await new MiniBatchGradientDescent { MaxIterations = 4, Tolerance = 0 }
            .MinimizeAsync(StochasticFunction.Quadratic(s_curvatures, s_minimiser), new double[4], cancellationToken: Ct);
        Assert.Equal(fourIterations.Point, result.Point);
    }

    [Fact]
    public async Task MinimizeAsync_EmptyBatch_IsSkippedWithoutARecord()
    {
        var function = new StochasticFunction(4, (w, batch) => batch.Iteration == 2
            ? new MiniBatchValue(0, new double[4], 0)
            : StochasticFunction.QuadraticAt(s_curvatures, s_minimiser, 0, w));

        var result = await new MiniBatchGradientDescent { MaxIterations = 4, Tolerance = 0 }.MinimizeAsync(function, new double[4],
            cancellationToken: Ct);

        Assert.Equal([1, 3, 4], result.History.Select(r => r.Iteration));
    }

    [Fact]
    public async Task MinimizeAsync_NonFiniteBatch_StopsWithTheWeightsBeforeIt()
    {
        var seen = new List<double[]>();
        var function = new StochasticFunction(4, (w, batch) =>
        {
            seen.Add(w);
            var value = StochasticFunction.QuadraticAt(s_curvatures, s_minimiser, 0, w);
            return batch.Iteration == 3 ? value with { Loss = double.NaN } : value;
        });

        var result = await new MiniBatchGradientDescent().MinimizeAsync(function, new double[4], cancellationToken: Ct);

        Assert.Equal(OptimizationStatus.NonFiniteValue, result.Status);
        Assert.Equal(seen[2], result.Point);
        Assert.Equal(2, result.History.Count);
    }
}
