namespace Dataflow.MLlib.Tests.Evaluation;

/// <summary>Seeded random labels and scores for the metric tests.</summary>
internal static class RandomData
{
    /// <summary>Partition counts the RDD metrics are checked over.</summary>
    public static TheoryData<int> PartitionCounts => [1, 2, 3, 7];

    /// <summary>0/1 labels (about 40% positive) and scores that depend on them, rounded to 2 decimals so that many tie.</summary>
    public static (double[] Labels, double[] Scores) BinaryWithTies(int n, int seed)
    {
        var random = new Random(seed);
        var labels = new double[n];
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = random.NextDouble() < 0.4 ? 1 : 0;
            scores[i] = Math.Round(Math.Clamp(0.3 * labels[i] + 0.7 * random.NextDouble(), 0, 1), 2);
        }

        return (labels, scores);
    }
}
