using Dataflow.MLlib.Linalg;

namespace Dataflow.Examples.Bottleneck;

/// <summary>
/// The sweep's synthetic training data, generated in the tasks (nothing is shipped but the shape): a fixed feature
/// volume per partition, so that growing d trades rows for width. Dense rows are d float32 values; CSR rows have
/// <see cref="NonZerosPerRow"/> entries (all d when d is smaller) at distinct random columns. Labels come from a
/// planted model on the first 100 features plus noise, so the problem is learnable at every d.
/// </summary>
internal static class SweepData
{
    /// <summary>Non-zeros per CSR row.</summary>
    public const int NonZerosPerRow = 100;

    /// <summary>Rows per partition that give <paramref name="volumeBytes"/> of packed feature data (float32 values, plus int32 column indices when sparse).</summary>
    public static int RowsPerPartition(long volumeBytes, int d, bool sparse)
    {
        var rowBytes = sparse ? Math.Min(d, NonZerosPerRow) * (sizeof(float) + sizeof(int)) : (long)d * sizeof(float);
        return (int)Math.Clamp(volumeBytes / rowBytes, 1, int.MaxValue / 2);
    }

    /// <summary>The points: <paramref name="partitions"/> partitions of <paramref name="rows"/> rows each.</summary>
    public static Rdd<LabeledPoint> Generate(DataflowContext context, int partitions, int rows, int d, bool sparse, long seed) =>
        context.Parallelize(Enumerable.Range(0, partitions), partitions)
            .SelectMany(partition => Rows(partition, rows, d, sparse, seed));

    private static IEnumerable<LabeledPoint> Rows(int partition, int rows, int d, bool sparse, long seed)
    {
        var random = new Random(HashCode(seed, partition));
        var nonZeros = Math.Min(d, NonZerosPerRow);
        var columns = new HashSet<int>();
        for (var r = 0; r < rows; r++)
        {
            Vector features;
            double margin = 0;
            if (sparse)
            {
                columns.Clear();
                while (columns.Count < nonZeros)
                    columns.Add(nonZeros == d ? columns.Count : random.Next(d));
                var indices = columns.Order().ToArray();
                var values = new double[nonZeros];
                for (var i = 0; i < nonZeros; i++)
                {
                    values[i] = (float)((random.NextDouble() * 2) - 1);
                    margin += Planted(indices[i]) * values[i];
                }

                features = Vectors.Sparse(d, indices, values);
            }
            else
            {
                var values = new double[d];
                for (var j = 0; j < d; j++)
                {
                    values[j] = (float)((random.NextDouble() * 2) - 1);
                    margin += Planted(j) * values[j];
                }

                features = Vectors.Dense(values);
            }

            var label = margin + (0.5 * ((random.NextDouble() * 2) - 1)) > 0 ? 1.0 : 0.0;
            yield return new LabeledPoint(label, features);
        }
    }

    // The planted weights: ±1 on the first 100 features, 0 beyond.
    private static double Planted(int j) => j >= 100 ? 0 : (j % 2 == 0 ? 1 : -1);

    // A stable seed per partition (never string or tuple hashing, which differ per process).
    private static int HashCode(long seed, int partition) => unchecked((int)((seed * -7046029254386353131L) ^ (partition * 3266489917L)));
}
