using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Clustering;

/// <summary>Data for the k-means tests, every value exactly a float32 (what the packed blocks hold).</summary>
public static class ClusterData
{
    /// <summary>Iris without its label column.</summary>
    public static double[][] Iris() => [.. DataFiles.ReadCsv("iris.csv").Select(r => r[..^1].Select(Round).ToArray())];

    /// <summary>
    /// Gaussian blobs: <paramref name="clusters"/> centres uniform in [−50, 50]^d, <paramref name="perCluster"/> rows
    /// each with standard deviation <paramref name="spread"/>, in random order; with the centres they came from.
    /// </summary>
    public static (double[][] Rows, double[][] Centers) Blobs(int seed, int clusters, int perCluster, int d, double spread = 1)
    {
        var random = new Random(seed);
        var centers = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, d).Select(_ => (random.NextDouble() * 100) - 50).ToArray()).ToArray();
        var rows = centers.SelectMany(c => Enumerable.Range(0, perCluster).Select(_ => c.Select(x => Round(x + (spread * Gaussian(random)))).ToArray()))
            .OrderBy(_ => random.Next()).ToArray();
        return (rows, centers);
    }

    public static Rdd<Vector> Vectors(DataflowContext context, double[][] rows, int partitions) =>
        context.Parallelize(rows.Select(r => (Vector)Dataflow.MLlib.Linalg.Vectors.Dense(r)).ToList(), partitions);

    public static double[][] Centers(Dataflow.MLlib.Clustering.KMeansModel model) => [.. model.ClusterCenters.Select(c => c.ToArray())];

    public static double[][] Centers(IEnumerable<Vector> centers) => [.. centers.Select(c => c.ToArray())];

    private static double Round(double x) => (float)x;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
