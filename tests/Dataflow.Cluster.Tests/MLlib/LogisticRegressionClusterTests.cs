using Dataflow.Cluster.Tests.Support;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Linalg;
using Dataflow.Scheduling;

namespace Dataflow.Cluster.Tests.MLlib;

/// <summary>
/// Driver-mode training on the in-process cluster: the kernels run on the workers, and the same training with the
/// same partitions reaches the same objective as in local mode, one engine job per objective evaluation.
/// </summary>
public sealed class LogisticRegressionClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LabeledPoint[] Points()
    {
        var random = new Random(17);
        return [.. Enumerable.Range(0, 600).Select(_ =>
        {
            double[] x = [.. Enumerable.Range(0, 6).Select(_ => random.NextDouble() * 2 - 1)];
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-(3 * x[0] - 2 * x[1] + 0.5))) ? 1.0 : 0.0;
            return new LabeledPoint(label, Vectors.Dense(x));
        })];
    }

    [Fact]
    public async Task Fit_OnTheCluster_MatchesLocal1AndLocal4()
    {
        var points = Points();
        var objectives = new List<double>();
        foreach (var master in new[] { "local[1]", "local[4]" })
        {
            await using var local = new DataflowContext(master);
            objectives.Add((await new LogisticRegression { RegParam = 0.01 }.FitAsync(local.Parallelize(points, 4), Ct)).Summary!.Objective);
        }

        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var _ = ctx;
        var model = await new LogisticRegression { RegParam = 0.01 }.FitAsync(ctx.Parallelize(points, 4), Ct);
        await ctx.Listeners.FlushAsync();

        var summary = model.Summary!;
        foreach (var local in objectives)
        {
            Assert.True(Math.Abs(summary.Objective - local) <= 1e-9 * Math.Abs(local), $"cluster {summary.Objective:R}, local {local:R}");
        }

        // The class index and the packing job, then one job per evaluation, all on the workers.
        Assert.Equal(summary.Passes + 2, recorder.Events.OfType<JobStartEvent>().Count());
        Assert.DoesNotContain("driver", recorder.Events.OfType<TaskEndEvent>().Select(e => e.ExecutorId));
        Assert.All(summary.Iterations, it => Assert.True(it.ComputeSeconds > 0 && it.MaxKernelSeconds > 0));
    }
}
