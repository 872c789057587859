using Dataflow.MLlib.Evaluation;

namespace Dataflow.MLlib.Tests.Evaluation;

public sealed class RegressionMetricsTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (double[] Labels, double[] Predictions) Random(int n, int seed, double offset = 0)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(_ => offset + 10 * random.NextDouble()).ToArray();
        var predictions = labels.Select(y => y + random.NextDouble() - 0.5).ToArray();
        return (labels, predictions);
    }

    private static (double Rmse, double R2, double Mae) PlainLoop(double[] y, double[] p)
    {
        double mean = y.Average(), squares = 0, total = 0, absolute = 0;
        for (var i = 0; i < y.Length; i++)
        {
            squares += (y[i] - p[i]) * (y[i] - p[i]);
            total += (y[i] - mean) * (y[i] - mean);
            absolute += Math.Abs(y[i] - p[i]);
        }

        return (Math.Sqrt(squares / y.Length), 1 - squares / total, absolute / y.Length);
    }

    [Fact]
    public void RmseAndR2_RandomPredictions_MatchPlainLoop()
    {
        var (labels, predictions) = Random(1000, 1);
        var (rmse, r2, mae) = PlainLoop(labels, predictions);

        Assert.Equal(rmse, RegressionMetrics.RootMeanSquaredError(labels, predictions), 1e-13);
        Assert.Equal(r2, RegressionMetrics.R2(labels, predictions), 1e-13);
        Assert.Equal(mae, RegressionMetrics.Summarize(labels, predictions).MeanAbsoluteError, 1e-13);
    }

    [Fact]
    public void R2_ConstantLabels_IsOneForAPerfectFitAndZeroOtherwise()
    {
        Assert.Equal(1, RegressionMetrics.R2([3, 3, 3], [3, 3, 3]));
        Assert.Equal(0, RegressionMetrics.R2([3, 3, 3], [3, 2, 3]));
        Assert.True(RegressionMetrics.R2([1, 2, 3], [3, 2, 1]) < 0);
    }

    [Theory]
    [MemberData(nameof(RandomData.PartitionCounts), MemberType = typeof(RandomData))]
    public async Task SummarizeAsync_AcrossPartitions_EqualsTheArrayVersion(int partitions)
    {
        var (labels, predictions) = Random(1200, partitions);
        var rdd = fixture.Context.Parallelize(labels.Zip(predictions, (l, p) => (l, p)), partitions);

        var summary = await RegressionMetrics.SummarizeAsync(rdd, Ct);
        var expected = RegressionMetrics.Summarize(labels, predictions);

        Assert.Equal(expected.Count, summary.Count);
        Assert.Equal(expected.RootMeanSquaredError, summary.RootMeanSquaredError, 1e-12);
        Assert.Equal(expected.R2, summary.R2, 1e-12);
        Assert.Equal(expected.MeanAbsoluteError, summary.MeanAbsoluteError, 1e-12);
        Assert.Equal(expected.RootMeanSquaredError, await RegressionMetrics.RootMeanSquaredErrorAsync(rdd, Ct), 1e-12);
        Assert.Equal(expected.R2, await RegressionMetrics.R2Async(rdd, Ct), 1e-12);
    }

    [Fact]
    public async Task R2Async_LabelsWithALargeMean_StaysAccurate()
    {
        // Labels near 1e8 with a spread of 10: Σy² − nȳ² would lose every digit; the merged moments keep them.
        var (labels, predictions) = Random(3000, 4, offset: 1e8);
        var rdd = fixture.Context.Parallelize(labels.Zip(predictions, (l, p) => (l, p)), 6);

        Assert.Equal(PlainLoop(labels, predictions).R2, await RegressionMetrics.R2Async(rdd, Ct), 1e-9);
    }
}
