using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Tests.Support;
using Dataflow.MLlib.Training;
using MessagePack;

namespace Dataflow.MLlib.Tests.Training;

/// <summary>
/// Driver-mode passes: one engine job per objective evaluation, sums equal to a float64 loop, and per-iteration
/// timings whose five phases cover the iteration's wall time.
/// </summary>
public sealed class BlockPassTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private const int Features = 5;
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReferenceData Data(int rows = 400, int seed = 3) => ReferenceData.Random(rows, Features, seed, (x, random) =>
        random.NextDouble() < 1 / (1 + Math.Exp(-(2 * x[0] - x[1] + 0.5))) ? 1 : 0);

    private Rdd<InstanceBlock> Blocks(ReferenceData data, int partitions) =>
        _ctx.Parallelize(data.Points(), partitions).ToBlocks(new ClassIndex([0, 1])).Cache();

    [Fact]
    public async Task Pass_SumsMatchAFloat64Loop()
    {
        var data = Data();
        var blocks = Blocks(data, 4);
        double[] model = [0.3, -0.2, 0.1, 0.05, -0.4, 0.25];
        var result = await BlockPass.RunAsync(blocks, model, Features + 2, Contributions.BinaryLogistic(new SimdKernels(), Features), null, 2, null, Ct);

        var expected = new double[Features + 2];
        for (var r = 0; r < data.Rows; r++)
        {
            var m = model[Features];
            for (var j = 0; j < Features; j++)
            {
                m += model[j] * data.X[r][j];
            }

            var residual = 1 / (1 + Math.Exp(-m)) - data.Y[r];
            for (var j = 0; j < Features; j++)
            {
                expected[j] += residual * data.X[r][j];
            }

            expected[Features] += residual;
            expected[Features + 1] += Math.Log(1 + Math.Exp(m)) - data.Y[r] * m;
        }

        Assert.Equal(data.Rows, result.Rows);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(result.Sums[i] - expected[i]) <= 1e-9 * Math.Max(1, Math.Abs(expected[i])), $"sum {i}: {result.Sums[i]} vs {expected[i]}");
        }

        await blocks.UnpersistAsync();
    }

    [Fact]
    public async Task Pass_WithAMiniBatch_SamplesRowsInsideThePartitionsReproducibly()
    {
        var data = Data(2000);
        var blocks = Blocks(data, 4);
        var contribution = Contributions.BinaryLogistic(new SimdKernels(), Features);
        var model = new double[Features + 1];
        var first = await BlockPass.RunAsync(blocks, model, Features + 2, contribution, MiniBatch.For(5, 1, 0.3), 2, null, Ct);
        var again = await BlockPass.RunAsync(blocks, model, Features + 2, contribution, MiniBatch.For(5, 1, 0.3), 2, null, Ct);
        var other = await BlockPass.RunAsync(blocks, model, Features + 2, contribution, MiniBatch.For(5, 2, 0.3), 2, null, Ct);

        Assert.InRange(first.Rows, 450, 750);
        Assert.Equal(first.Rows, again.Rows);
        Assert.Equal(first.Sums, again.Sums);
        Assert.NotEqual(first.Sums, other.Sums);
        // At w = 0 every row's loss is log 2: the loss sum counts exactly the rows sampled.
        Assert.Equal(first.Rows * Math.Log(2), first.Sums[Features + 1], 1e-9);
        await blocks.UnpersistAsync();
    }

    [Fact]
    public async Task Evaluation_IsExactlyOneJob()
    {
        var blocks = Blocks(Data(), 3);
        var objective = new BlockObjective(blocks, Features + 1, Contributions.BinaryLogistic(new SimdKernels(), Features),
            new L2Regularization(0.1, RegularizedKeys.Below(Features)), 2, null);
        await blocks.CountAsync(Ct);
        var jobs = await JobCounter.AttachAsync(_ctx);

        for (var i = 1; i <= 3; i++)
        {
            await objective.EvaluateAsync(new double[Features + 1], Ct);
            await objective.EvaluateAsync(new double[Features + 1], MiniBatch.For(1, i, 0.5), Ct);
        }

        await _ctx.Listeners.FlushAsync();
        Assert.Equal(6, jobs.Jobs);
        Assert.Equal(6, objective.Passes);
        _ctx.Listeners.Remove(jobs);
        await blocks.UnpersistAsync();
    }

    [Fact]
    public async Task Fit_RunsOneJobPerEvaluation()
    {
        var points = _ctx.Parallelize(Data().Points(), 4);
        var jobs = await JobCounter.AttachAsync(_ctx);
        var model = await new LogisticRegression { RegParam = 0.01 }.FitAsync(points, Ct);
        await _ctx.Listeners.FlushAsync();
        _ctx.Listeners.Remove(jobs);

        var summary = model.Summary!;
        Assert.True(summary.Passes > summary.TotalIterations, "L-BFGS evaluates at least once per iteration plus the start");
        Assert.Equal(summary.Passes, summary.Iterations.Sum(i => i.Passes));
        // Besides the evaluations: one job finds the classes, one packs and caches the blocks.
        Assert.Equal(summary.Passes + 2, jobs.Jobs);
    }

    [Fact]
    public async Task Timings_PhasesAddUpToEachIterationsWallTime()
    {
        var points = _ctx.Parallelize(Data().Points(), 4);
        var model = await new LogisticRegression { RegParam = 0.01, Tolerance = 1e-12, MaxIterations = 15 }.FitAsync(points, Ct);
        var iterations = model.Summary!.Iterations;

        Assert.True(iterations.Count >= 5);
        foreach (var it in iterations)
        {
            Assert.All(new[] { it.BroadcastSeconds, it.SchedulingSeconds, it.ComputeSeconds, it.AggregateSeconds, it.DriverSeconds }, s => Assert.True(s >= 0));
            Assert.True(Math.Abs(it.PhaseSeconds - it.WallSeconds) <= Math.Max(0.1 * it.WallSeconds, 2e-4),
                $"iteration {it.Iteration}: phases {it.PhaseSeconds} s, wall {it.WallSeconds} s");
            Assert.True(it.ComputeSeconds > 0 && it.MaxKernelSeconds > 0, $"iteration {it.Iteration} recorded no compute");
            Assert.True(it.MaxKernelSeconds <= it.ComputeSeconds + 1e-3);
            Assert.Equal(it.Passes * (long)MessagePackSerializer.Serialize(new double[Features + 1], cancellationToken: Ct).Length, it.BroadcastBytes);
            Assert.True(it.PartialResultBytes >= it.Passes * 4L * 9 * (Features + 2), $"{it.PartialResultBytes} bytes of partial results");
        }

        var total = iterations.Sum(i => i.WallSeconds);
        Assert.True(Math.Abs(iterations.Sum(i => i.PhaseSeconds) - total) <= 0.1 * total);
    }

    [Fact]
    public async Task Timings_ASleepingKernel_ShowsUpInComputeAndKernelTimeOnly()
    {
        const double sleep = 0.020;
        var points = _ctx.Parallelize(Data(200).Points(), 2);
        var model = await new LogisticRegression { Kernels = new SleepingKernels(20), MaxIterations = 6, Tolerance = 1e-12 }.FitAsync(points, Ct);
        var iterations = model.Summary!.Iterations;

        Assert.True(iterations.Count >= 4);
        foreach (var it in iterations)
        {
            // Each pass's two tasks sleep 20 ms each, side by side on local[2]'s two threads.
            Assert.True(it.ComputeSeconds >= it.Passes * (sleep - 1e-3), $"iteration {it.Iteration}: compute {it.ComputeSeconds} s over {it.Passes} passes");
            Assert.True(it.MaxKernelSeconds >= it.Passes * (sleep - 1e-3), $"iteration {it.Iteration}: kernel {it.MaxKernelSeconds} s");
        }

        // Elsewhere: the other phases of a typical iteration stay well below one sleep per pass.
        var others = iterations.Select(i => (i.BroadcastSeconds + i.SchedulingSeconds + i.AggregateSeconds + i.DriverSeconds) / i.Passes).Order().ToList();
        Assert.True(others[others.Count / 2] < sleep, $"median of the other phases per pass: {others[others.Count / 2]} s");
    }
}
