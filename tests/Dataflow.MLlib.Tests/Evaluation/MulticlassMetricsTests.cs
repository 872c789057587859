using Dataflow.MLlib.Evaluation;

namespace Dataflow.MLlib.Tests.Evaluation;

public sealed class MulticlassMetricsTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Labels 1..4 and predictions that are right about 70% of the time and sometimes 5, a value no label has.</summary>
    private static (double[] Labels, double[] Predictions) Random(int n, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(_ => (double)random.Next(1, 5)).ToArray();
        var predictions = labels.Select(y => random.NextDouble() < 0.7 ? y : random.Next(1, 6)).Select(v => (double)v).ToArray();
        return (labels, predictions);
    }

    [Fact]
    public void Accuracy_RandomPredictions_MatchesPlainLoop()
    {
        var (labels, predictions) = Random(1000, 1);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            correct += labels[i] == predictions[i] ? 1 : 0;
        }

        Assert.Equal(correct / 1000.0, MulticlassMetrics.Accuracy(labels, predictions));
    }

    [Fact]
    public void ConfusionMatrix_RandomPredictions_MatchesPlainLoopCounts()
    {
        var (labels, predictions) = Random(1000, 2);

        var matrix = MulticlassMetrics.ConfusionMatrix(labels, predictions);

        Assert.Equal([1.0, 2, 3, 4, 5], matrix.Labels);
        Assert.Equal(1000, matrix.Total);
        for (var actual = 0; actual < 5; actual++)
        {
            for (var predicted = 0; predicted < 5; predicted++)
            {
                var expected = 0L;
                for (var i = 0; i < labels.Length; i++)
                {
                    expected += labels[i] == actual + 1 && predictions[i] == predicted + 1 ? 1 : 0;
                }

                Assert.Equal(expected, matrix[actual, predicted]);
                Assert.Equal(expected, matrix.Count(actual + 1, predicted + 1));
            }
        }

        Assert.Equal(0, matrix.Count(7, 1));
    }

    [Fact]
    public void LogLoss_Multiclass_MatchesPlainLoop()
    {
        var random = new Random(3);
        var classes = Enumerable.Range(0, 400).Select(_ => random.Next(3)).ToArray();
        var probabilities = classes.Select((_, i) =>
        {
            var raw = new[] { random.NextDouble(), random.NextDouble(), i % 40 == 0 ? 0 : random.NextDouble() };
            return raw.Select(p => p / raw.Sum()).ToArray();
        }).ToArray();
        var expected = 0.0;
        for (var i = 0; i < classes.Length; i++)
        {
            expected -= Math.Log(Math.Max(probabilities[i][classes[i]], 1e-15));
        }

        Assert.Equal(expected / classes.Length, MulticlassMetrics.LogLoss(classes, probabilities), 1e-12);
        Assert.Throws<ArgumentException>(() => MulticlassMetrics.LogLoss([3], [new[] { 0.5, 0.5 }]));
    }

    [Theory]
    [MemberData(nameof(RandomData.PartitionCounts), MemberType = typeof(RandomData))]
    public async Task AsyncMetrics_AcrossPartitions_EqualTheArrayVersions(int partitions)
    {
        var (labels, predictions) = Random(1500, 10 + partitions);
        var rdd = fixture.Context.Parallelize(labels.Zip(predictions, (l, p) => (l, p)), partitions);

        var accuracy = await MulticlassMetrics.AccuracyAsync(rdd, Ct);
        var matrix = await MulticlassMetrics.ConfusionMatrixAsync(rdd, Ct);

        Assert.Equal(MulticlassMetrics.Accuracy(labels, predictions), accuracy);
        var expected = MulticlassMetrics.ConfusionMatrix(labels, predictions);
        Assert.Equal(expected.Labels, matrix.Labels);
        Assert.Equal(expected.ToArray(), matrix.ToArray());
    }

    [Theory]
    [MemberData(nameof(RandomData.PartitionCounts), MemberType = typeof(RandomData))]
    public async Task LogLossAsync_AcrossPartitions_EqualsTheArrayVersion(int partitions)
    {
        var random = new Random(partitions);
        var classes = Enumerable.Range(0, 600).Select(_ => random.Next(4)).ToArray();
        var probabilities = classes.Select(_ =>
        {
            var raw = Enumerable.Range(0, 4).Select(_ => random.NextDouble()).ToArray();
            return raw.Select(p => p / raw.Sum()).ToArray();
        }).ToArray();
        var rdd = fixture.Context.Parallelize(classes.Zip(probabilities, (c, p) => (c, p)), partitions);

        Assert.Equal(MulticlassMetrics.LogLoss(classes, probabilities), await MulticlassMetrics.LogLossAsync(rdd, cancellationToken: Ct), 1e-12);
    }

    [Fact]
    public async Task AccuracyAsync_Empty_Throws()
    {
        var rdd = fixture.Context.Parallelize(Array.Empty<(double, double)>(), 2);

        await Assert.ThrowsAsync<ArgumentException>(() => MulticlassMetrics.AccuracyAsync(rdd, Ct));
    }
}
