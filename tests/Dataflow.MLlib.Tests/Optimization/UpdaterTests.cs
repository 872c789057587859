using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Tests.Optimization;

public sealed class UpdaterTests
{
    [Theory]
    [InlineData("constant", 1L)]
    [InlineData("inverse-sqrt", 4L)]
    [InlineData("inverse-time", 5L)]
    public void SgdUpdater_OneStep_MatchesHandComputedValues(string schedule, long t)
    {
        // Every schedule gives η_t = 0.1 here: 0.1; 0.2 / √4; 0.3 / (1 + 0.5 · 4).
        IStepSchedule steps = schedule switch
        {
            "constant" => new ConstantStepSchedule(0.1),
            "inverse-sqrt" => new InverseSqrtStepSchedule(0.2),
            _ => new InverseTimeStepSchedule(0.3, 0.5),
        };
        var updater = new SgdUpdater(steps, new L2Regularization(0.2, RegularizedKeys.Below(1)));
        double[] weights = [1, -2];

        updater.Update(weights, [], [0.5, 0.25], 0, t);

        // w₀ = 1 − 0.1 (0.5 + 0.2 · 1) = 0.93; w₁ (not regularised) = −2 − 0.1 · 0.25 = −2.025.
        Assert.Equal(0.93, weights[0], 1e-15);
        Assert.Equal(-2.025, weights[1], 1e-15);
    }

    [Fact]
    public void AdaGradUpdater_TwoSteps_MatchHandComputedValues()
    {
        // Defaults η = 0.5, ε = 1e-8; key 1 regularised with λ = 0.1, key 0 not.
        var updater = new AdaGradUpdater(regularization: new L2Regularization(0.1, RegularizedKeys.FromMask([false, true])));
        double[] weights = [1, 2];
        var squares = new double[2];

        updater.Update(weights, squares, [0.5, 0.2], 0, 1);

        // G₀ = 0.25, w₀ = 1 − 0.5 · 0.5 / (0.5 + 1e-8); h₁ = 0.2 + 0.1 · 2 = 0.4, G₁ = 0.16, w₁ = 2 − 0.5 · 0.4 / (0.4 + 1e-8).
        Assert.Equal(0.25, squares[0], 1e-16);
        Assert.Equal(0.16, squares[1], 1e-16);
        Assert.Equal(0.5000000099999998, weights[0], 1e-15);
        Assert.Equal(1.5000000124999997, weights[1], 1e-15);

        updater.Update(weights, squares, [0.3, -0.1], 0, 2);

        // G₀ = 0.34, w₀ −= 0.5 · 0.3 / (√0.34 + 1e-8); h₁ = −0.1 + 0.1 · w₁, G₁ += h₁², w₁ −= 0.5 · h₁ / (√G₁ + 1e-8).
        Assert.Equal(0.34, squares[0], 1e-15);
        Assert.Equal(0.242752136698001174, weights[0], 1e-15);
        Assert.Equal(0.162500000125, squares[1], 1e-15);
        Assert.Equal(1.437982645217275687, weights[1], 1e-15);
    }

    [Fact]
    public void AdaGradUpdater_DefaultSettings_AreStepHalfAndEpsilon1e8()
    {
        var updater = new AdaGradUpdater();

        Assert.Equal(0.5, updater.Schedule.StepSize(1));
        Assert.Equal(0.5, updater.Schedule.StepSize(1000));
        Assert.Equal(1e-8, updater.Epsilon);
        Assert.True(updater.Regularization.IsNone);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adagrad")]
    public void Update_L2_NeverTouchesInterceptEntries(string kind)
    {
        // Weights 0..3, two intercepts at keys 4 and 5; a zero gradient leaves only the L2 term.
        var l2 = new L2Regularization(0.5, RegularizedKeys.Below(4));
        IUpdater updater = kind == "sgd" ? new SgdUpdater(new ConstantStepSchedule(0.1), l2) : new AdaGradUpdater(regularization: l2);
        double[] weights = [1, -1, 2, 0.5, 3, -4];
        var state = new double[weights.Length * updater.StatePerEntry];

        updater.Update(weights, state, new double[6], 0, 1);

        Assert.Equal(3, weights[4]);
        Assert.Equal(-4, weights[5]);
        Assert.All(weights.Take(4).Zip(new double[] { 1, -1, 2, 0.5 }), p => Assert.True(Math.Abs(p.First) < Math.Abs(p.Second)));
        Assert.Equal(0.5 * 0.5 * (1 + 1 + 4 + 0.25), l2.Penalty([1, -1, 2, 0.5, 3, -4]), 1e-15);
    }

    [Theory]
    [InlineData("sgd", 0.0)]
    [InlineData("sgd", 0.3)]
    [InlineData("adagrad", 0.0)]
    [InlineData("adagrad", 0.3)]
    public void Update_KeyRangeAndSparseKeys_MatchAPlainLoopOverTheFullVector(string kind, double lambda)
    {
        var random = new Random(17);
        const int n = 50;
        var adaGrad = kind == "adagrad";
        var l2 = new L2Regularization(lambda, RegularizedKeys.Below(n - 1));
        IUpdater updater = adaGrad ? new AdaGradUpdater(regularization: l2) : new SgdUpdater(new InverseSqrtStepSchedule(0.2), l2);

        // The reference: the whole model in one array, stepped key by key with the formulas written out here.
        var full = TestProblems.RandomVector(n, random);
        var squares = new double[n];
        void Reference(int key, double g, long t)
        {
            var h = g + (key < n - 1 ? lambda * full[key] : 0);
            if (adaGrad)
            {
                squares[key] += h * h;
                full[key] -= 0.5 * h / (Math.Sqrt(squares[key]) + 1e-8);
            }
            else
            {
                full[key] -= 0.2 / Math.Sqrt(t) * h;
            }
        }

        // A shard holding keys 20..49 (every key pushed each clock, intercept at 49), and one holding keys 0..19 that
        // receives sparse pushes of about half of them.
        const int first = 20;
        var shard = full[first..];
        var shardState = new double[shard.Length * updater.StatePerEntry];
        var sparse = full[..first];
        var sparseState = new double[sparse.Length * updater.StatePerEntry];
        for (long clock = 1; clock <= 5; clock++)
        {
            var keys = Enumerable.Range(0, first).Where(_ => random.NextDouble() < 0.5).ToArray();
            var pushed = keys.Select(_ => random.NextDouble() - 0.5).ToArray();
            var range = Enumerable.Range(0, n - first).Select(_ => random.NextDouble() - 0.5).ToArray();

            updater.Update(shard, shardState, range, first, clock);
            updater.Update(sparse, sparseState, 0, keys, pushed, clock);
            foreach (var (key, g) in keys.Zip(pushed))
            {
                Reference(key, g, clock);
            }

            for (var i = 0; i < range.Length; i++)
            {
                Reference(first + i, range[i], clock);
            }
        }

        Assert.Equal(full[first..], shard, (a, b) => Math.Abs(a - b) <= 1e-15);
        Assert.Equal(full[..first], sparse, (a, b) => Math.Abs(a - b) <= 1e-15);
        if (adaGrad)
        {
            Assert.Equal(squares[first..], shardState, (a, b) => Math.Abs(a - b) <= 1e-15);
            Assert.Equal(squares[..first], sparseState, (a, b) => Math.Abs(a - b) <= 1e-15);
        }
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adagrad")]
    public void Update_SparseWithZeroGradientElsewhere_EqualsTheDenseUpdateWithoutL2(string kind)
    {
        var random = new Random(23);
        IUpdater updater = kind == "sgd" ? new SgdUpdater(new ConstantStepSchedule(0.4)) : new AdaGradUpdater();
        var dense = TestProblems.RandomVector(40, random);
        var sparse = (double[])dense.Clone();
        var denseState = new double[40 * updater.StatePerEntry];
        var sparseState = new double[40 * updater.StatePerEntry];

        for (long t = 1; t <= 4; t++)
        {
            var keys = Enumerable.Range(0, 40).Where(_ => random.NextDouble() < 0.3).ToArray();
            var values = keys.Select(_ => random.NextDouble() - 0.5).ToArray();
            var gradient = new double[40];
            foreach (var (k, v) in keys.Zip(values))
            {
                gradient[k] = v;
            }

            updater.Update(dense, denseState, gradient, 0, t);
            updater.Update(sparse, sparseState, 0, keys, values, t);
        }

        Assert.Equal(dense, sparse);
        Assert.Equal(denseState, sparseState);
    }

    [Fact]
    public void Update_BadShapes_ThrowNamingTheSizes()
    {
        var updater = new AdaGradUpdater();

        var state = Assert.Throws<ArgumentException>(() => updater.Update(new double[3], new double[2], new double[3], 0, 1));
        var unsorted = Assert.Throws<ArgumentException>(() => updater.Update(new double[3], new double[3], 10, [11, 10], [1.0, 2.0], 1));
        var outside = Assert.Throws<ArgumentException>(() => updater.Update(new double[3], new double[3], 10, [13], [1.0], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => updater.Update(new double[3], new double[3], new double[3], 0, 0));

        Assert.Contains("3 weights need 3, got 2", state.Message, StringComparison.Ordinal);
        Assert.Contains("10 follows 11", unsorted.Message, StringComparison.Ordinal);
        Assert.Contains("10 … 12", outside.Message, StringComparison.Ordinal);
    }
}
