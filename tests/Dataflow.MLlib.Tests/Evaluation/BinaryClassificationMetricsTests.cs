using Dataflow.MLlib.Evaluation;

namespace Dataflow.MLlib.Tests.Evaluation;

public sealed class BinaryClassificationMetricsTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The Mann–Whitney count over all positive × negative pairs, ties as ½, divided by n⁺n⁻.</summary>
    private static double PairwiseAuc(double[] labels, double[] scores, double positiveLabel = 1)
    {
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] != positiveLabel)
            {
                continue;
            }

            for (var j = 0; j < labels.Length; j++)
            {
                if (labels[j] == positiveLabel)
                {
                    continue;
                }

                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }

        return wins / pairs;
    }

    /// <summary>Spark's rule: each row's probability of its true class, clipped below at ε.</summary>
    private static double PlainLogLoss(double[] labels, double[] probabilities, double positiveLabel = 1, double epsilon = 1e-15)
    {
        var sum = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = labels[i] == positiveLabel ? probabilities[i] : 1 - probabilities[i];
            sum -= Math.Log(Math.Max(p, epsilon));
        }

        return sum / labels.Length;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AreaUnderRoc_RandomScoresWithTies_MatchesPairwiseCount(int seed)
    {
        var (labels, scores) = RandomData.BinaryWithTies(700, seed);

        Assert.Equal(PairwiseAuc(labels, scores), BinaryClassificationMetrics.AreaUnderRoc(labels, scores), 1e-13);
    }

    [Fact]
    public void AreaUnderRoc_OtherLabelValues_UseThePositiveLabel()
    {
        var (labels, scores) = RandomData.BinaryWithTies(300, 9);
        var signed = labels.Select(y => y == 1 ? 1.0 : -1.0).ToArray();
        var oneTwo = labels.Select(y => y == 1 ? 2.0 : 1.0).ToArray();

        var expected = PairwiseAuc(labels, scores);
        Assert.Equal(expected, BinaryClassificationMetrics.AreaUnderRoc(signed, scores), 1e-13);
        Assert.Equal(expected, BinaryClassificationMetrics.AreaUnderRoc(oneTwo, scores, positiveLabel: 2), 1e-13);
    }

    [Theory]
    [InlineData(new double[] { 0.1, 0.2, 0.8, 0.9 }, 1.0)]
    [InlineData(new double[] { 0.9, 0.8, 0.2, 0.1 }, 0.0)]
    [InlineData(new double[] { 0.5, 0.5, 0.5, 0.5 }, 0.5)]
    [InlineData(new double[] { 0.0, 0.3, -0.0, 0.3 }, 0.5)]
    public void AreaUnderRoc_SmallCases_MatchTheDefinition(double[] scores, double expected)
    {
        Assert.Equal(expected, BinaryClassificationMetrics.AreaUnderRoc([0, 0, 1, 1], scores));
    }

    [Fact]
    public void AreaUnderRoc_OneClassOrNaN_ThrowsWithTheReason()
    {
        var oneClass = Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.AreaUnderRoc([1, 1], [0.2, 0.4]));
        var nan = Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.AreaUnderRoc([1, 0, 1], [0.2, double.NaN, 0.1]));
        var lengths = Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.AreaUnderRoc([1, 0], [0.2]));

        Assert.Contains("2 positive and 0 negative", oneClass.Message, StringComparison.Ordinal);
        Assert.Contains("row 1", nan.Message, StringComparison.Ordinal);
        Assert.Contains("2 labels but 1 scores", lengths.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogLoss_RandomProbabilitiesWithZeroAndOne_MatchesPlainLoop()
    {
        var random = new Random(5);
        var labels = Enumerable.Range(0, 500).Select(_ => random.NextDouble() < 0.5 ? 1.0 : 0.0).ToArray();
        var probabilities = Enumerable.Range(0, 500).Select(i => i % 50 == 0 ? 0.0 : i % 50 == 1 ? 1.0 : random.NextDouble()).ToArray();

        var loss = BinaryClassificationMetrics.LogLoss(labels, probabilities);

        Assert.Equal(PlainLogLoss(labels, probabilities), loss, 1e-12);
        Assert.True(double.IsFinite(loss));
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.LogLoss([1.0], [1.5]));
    }

    [Theory]
    [MemberData(nameof(RandomData.PartitionCounts), MemberType = typeof(RandomData))]
    public async Task AreaUnderRocAsync_AcrossPartitions_EqualsTheArrayVersion(int partitions)
    {
        var (labels, scores) = RandomData.BinaryWithTies(2000, 40 + partitions);
        var rdd = fixture.Context.Parallelize(labels.Zip(scores, (l, s) => (Label: l, Score: s)), partitions);
        var jobsBefore = await fixture.JobsStartedAsync();

        var auc = await BinaryClassificationMetrics.AreaUnderRocAsync(rdd, cancellationToken: Ct);

        Assert.Equal(BinaryClassificationMetrics.AreaUnderRoc(labels, scores), auc, 1e-12);
        Assert.Equal(PairwiseAuc(labels, scores), auc, 1e-12);
        Assert.Equal(2, await fixture.JobsStartedAsync() - jobsBefore);
    }

    [Fact]
    public async Task AreaUnderRocAsync_DistinctScoresAndSignedLabels_EqualsTheArrayVersion()
    {
        var random = new Random(77);
        var labels = Enumerable.Range(0, 1500).Select(_ => random.NextDouble() < 0.3 ? 1.0 : -1.0).ToArray();
        var scores = labels.Select(y => y + 3 * random.NextDouble()).ToArray();
        var rdd = fixture.Context.Parallelize(labels.Zip(scores, (l, s) => (l, s)), 5);

        Assert.Equal(BinaryClassificationMetrics.AreaUnderRoc(labels, scores), await BinaryClassificationMetrics.AreaUnderRocAsync(rdd,
            cancellationToken: Ct), 1e-12);
    }

    [Theory]
    [MemberData(nameof(RandomData.PartitionCounts), MemberType = typeof(RandomData))]
    public async Task LogLossAsync_AcrossPartitions_EqualsTheArrayVersion(int partitions)
    {
        var random = new Random(partitions);
        var labels = Enumerable.Range(0, 800).Select(_ => random.NextDouble() < 0.5 ? 1.0 : 0.0).ToArray();
        var probabilities = Enumerable.Range(0, 800).Select(i => i % 100 == 0 ? 1.0 : random.NextDouble()).ToArray();
        var rdd = fixture.Context.Parallelize(labels.Zip(probabilities, (l, p) => (l, p)), partitions);

        Assert.Equal(BinaryClassificationMetrics.LogLoss(labels, probabilities), await BinaryClassificationMetrics.LogLossAsync(rdd,
            cancellationToken: Ct), 1e-12);
    }

    [Fact]
    public async Task AreaUnderRocAsync_OneClass_Throws()
    {
        var rdd = fixture.Context.Parallelize(new[] { (1.0, 0.5), (1.0, 0.25) }, 2);

        await Assert.ThrowsAsync<ArgumentException>(() => BinaryClassificationMetrics.AreaUnderRocAsync(rdd, cancellationToken: Ct));
    }

    [Fact]
    public async Task AreaUnderRocAsync_NaNScore_FailsTheJobWithTheReason()
    {
        var rdd = fixture.Context.Parallelize(new[] { (1.0, 0.5), (0.0, double.NaN), (0.0, 0.1) }, 2);

        var error = await Assert.ThrowsAsync<JobFailedException>(() => BinaryClassificationMetrics.AreaUnderRocAsync(rdd, cancellationToken: Ct));

        Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Contains("score is NaN", error.InnerException.Message, StringComparison.Ordinal);
    }
}
